/**
 * The page shell: landmarks (banner, navigation, main, contentinfo), a skip link,
 * navigation to the five pillars, and the language of the page. Works without
 * JavaScript; the one stylesheet is cached for a year and versioned by its hash.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { WebEnv } from "./context.ts";
import type { MessageKey } from "./i18n/i18n.ts";
import { safeUrl } from "./safe-url.ts";
import { postActionsScriptPath, stylesheetPath } from "./static.ts";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/**
 * The main menu: the five pillars and the groups they meet in. `coming` marks a part
 * that does not work yet: its menu entry and card say so and lead nowhere (issue 23).
 * Each of them has working pages today.
 */
export const menu = [
  { path: "/social", key: "pillar.social", coming: false },
  { path: "/groups", key: "pillar.groups", coming: false },
  { path: "/media", key: "pillar.media", coming: false },
  { path: "/decisions", key: "pillar.decisions", coming: false },
  { path: "/economy", key: "pillar.economy", coming: false },
  { path: "/commons", key: "pillar.commons", coming: false },
] as const satisfies readonly { path: string; key: MessageKey; coming: boolean }[];

/**
 * Entries for signed-in members only, after the pillars: their pages need an
 * account. The opsroom (issue 21) gathers a member's boards across groups.
 */
export const memberMenu = [{ path: "/opsroom", key: "nav.opsroom" }] as const satisfies readonly {
  path: string;
  key: MessageKey;
}[];

/** The five pillars of DESIGN.md (the menu less groups). */
export const pillars = menu.filter((p) => p.path !== "/groups");

/** The bell, with the count of unread notifications (up to 99+) when there are any. */
async function notificationsLink(c: Context<WebEnv>): Promise<HtmlEscapedString> {
  const t = c.get("t");
  const n = (await c.get("unreadNotifications")?.()) ?? 0;
  const label = n ? `${t("nav.notifications")}, ${t("nav.unread", { n })}` : t("nav.notifications");
  return html`<a href="/notifications" class="bell" aria-label="${label}" title="${label}"><svg class="icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false"><path d="M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0"/></svg>${n ? html`<span class="unread-badge" aria-hidden="true">${n >= 100 ? "99+" : n}</span>` : ""}</a>`;
}

function accountLinks(c: Context<WebEnv>): Html {
  const t = c.get("t");
  const viewer = c.get("viewer");
  const search = html`<a href="/search">${t("search.nav")}</a>`;
  if (!viewer) {
    return html`${search} <a href="/login">${t("nav.login")}</a> <a href="/signup" class="button">${t("nav.signup")}</a>`;
  }
  return html`${search} ${notificationsLink(c)} <a href="/network">${t("network.nav")}</a>
    <a href="/@${viewer.username}">${viewer.displayName || viewer.username}</a>
    <a href="/settings">${t("nav.settings")}</a>
    ${viewer.role === "admin" ? html`<a href="/admin">${t("nav.admin")}</a>` : ""}
    <form method="post" action="/logout" class="inline">
      <input type="hidden" name="_csrf" value="${c.get("csrfToken")}" />
      <button type="submit" class="link">${t("nav.logout")}</button>
    </form>`;
}

/** What a page may add to the shell: lines in <head> (meta, an area's stylesheet), a class on <body>. */
export interface LayoutExtras {
  head?: Html;
  bodyClass?: string;
}

export function layout(
  c: Context<WebEnv>,
  title: string,
  body: Html,
  extras: LayoutExtras = {},
): Html {
  const t = c.get("t");
  const coop = c.get("coop");
  const current = new URL(c.req.url).pathname;
  return html`<!doctype html>
<html lang="${c.get("locale")}">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>${title === coop.name ? title : `${title} · ${coop.name}`}</title>
<link rel="stylesheet" href="${safeUrl(stylesheetPath)}" />
${c.get("viewer") ? html`<script src="${safeUrl(postActionsScriptPath)}" defer></script>` : ""}
${extras.head ?? ""}
</head>
<body${extras.bodyClass ? html` class="${extras.bodyClass}"` : ""}>
<a class="skip" href="#main">${t("site.skip")}</a>
<header class="site-header">
  <a class="brand" href="/">${coop.name}</a>
  <nav aria-label="${t("site.menu")}">
    <ul class="pillars">
      ${menu.map((p) =>
        p.coming
          ? html`<li><span class="coming">${t(p.key)} <small>${t("pillar.coming")}</small></span></li>`
          : html`<li><a href="${safeUrl(p.path)}"${current.startsWith(p.path) ? html` aria-current="page"` : ""}>${t(p.key)}</a></li>`,
      )}
      ${c.get("viewer") ? memberMenu.map((p) => html`<li><a href="${safeUrl(p.path)}"${current.startsWith(p.path) ? html` aria-current="page"` : ""}>${t(p.key)}</a></li>`) : ""}
    </ul>
  </nav>
  <div class="account">${accountLinks(c)}</div>
</header>
<main id="main" tabindex="-1">
${body}
</main>
<footer class="site-footer"><p>${t("site.footer")}</p></footer>
</body>
</html>`;
}
