/**
 * The notifications page (/notifications) and marking them read.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { InputError } from "../../kernel/errors.ts";
import { listNotifications, markAllRead } from "../../social/notifications.ts";
import { closeEndedPolls } from "../../social/polls.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, formatDate } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { isPostId, type SocialPagesDeps } from "./deps.ts";
import { socialNav } from "./pages.ts";

const cursor = (c: Context<WebEnv>) => {
  const maxId = c.req.query("max_id");
  if (maxId !== undefined && !isPostId(maxId)) throw new InputError("Bad max_id", 400);
  return maxId;
};

export function notificationPages(deps: SocialPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/notifications", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    await closeEndedPolls(deps.db);
    const maxId = cursor(c);
    const items = await listNotifications(deps.db, deps.config.domain, viewer.id, {
      maxId,
      limit: 31,
    });
    const more = items.length > 30;
    const shown = items.slice(0, 30);
    // Seen is read: the list still marks what was new, and the badge clears.
    if (shown.some((n) => !n.read)) await markAllRead(deps.db, viewer.id);
    const body = html`${socialNav(c)}<h1>${t("social.notifications.title")}</h1>
      ${
        shown.length === 0
          ? html`<p class="notice">${t("social.notifications.none")}</p>`
          : html`
      <form method="post" action="/notifications/read" class="inline">${csrfField(c)}<button type="submit" class="secondary">${t("social.notifications.markRead")}</button></form>
      <ul class="notifications">${shown.map(
        (n) => html`<li class="${n.read ? "" : "unread"}">
          ${t(`social.notification.${n.type}`, { name: n.fromName })}
          ${n.type !== "poll" ? html` <a href="${safeUrl(n.fromUrl)}" class="handle">${n.fromHandle}</a>` : ""}
          ${n.postId ? html` · <a href="/posts/${n.postId}">${t("social.notification.view")}</a>` : ""}
          <span class="muted"> · <time datetime="${n.createdAt}">${formatDate(c.get("locale"), n.createdAt)}</time></span>
        </li>`,
      )}</ul>`
      }
      ${more ? html`<nav class="pager"><a rel="next" href="/notifications?max_id=${shown.at(-1)?.id}">${t("social.older")}</a></nav>` : ""}`;
    return c.html(layout(c, t("social.notifications.title"), body));
  });

  app.post("/notifications/read", async (c) => {
    const viewer = requireViewer(c);
    await markAllRead(deps.db, viewer.id);
    return redirectHere(c, "/notifications", 303);
  });

  return app;
}
