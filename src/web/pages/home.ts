/** The front page and the five pillars' landing pages (filled in as each pillar lands). */
import { Hono } from "hono";
import { html } from "hono/html";
import type { WebEnv } from "../context.ts";
import { coopMarkdown } from "../coop-text.ts";
import { layout, pillars } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";

export function homePages(): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/", (c) => {
    const t = c.get("t");
    const coop = c.get("coop");
    const body = html`<h1>${t("home.title", { name: coop.name })}</h1>
      ${coop.description ? html`<div class="lead coop-description">${coopMarkdown(coop.description, new URL(c.req.url).origin)}</div>` : html`<p class="lead">${t("home.lead")}</p>`}
      <h2>${t("home.pillars")}</h2>
      <ul class="cards">
        ${pillars.map(
          (p) =>
            html`<li class="card"><h3><a href="${safeUrl(p.path)}">${t(p.key)}</a></h3><p>${t(`${p.key}.about`)}</p></li>`,
        )}
      </ul>
      <p><a href="/groups">${t("groups.title")}</a>: ${t("groups.lead")}</p>`;
    return c.html(layout(c, coop.name, body));
  });

  // /social, /media, /decisions, /economy and /commons are their areas' own
  // (web/social/pages.ts, web/media/pages.ts, web/decisions/pages.ts, web/economy/landing.ts, web/commons).
  const own = new Set(["/social", "/media", "/decisions", "/economy", "/commons"]);
  for (const pillar of pillars.filter((p) => !own.has(p.path))) {
    app.get(pillar.path, (c) => {
      const t = c.get("t");
      const body = html`<h1>${t(pillar.key)}</h1>
        <p class="lead">${t(`${pillar.key}.about`)}</p>
        <p class="notice">${t("pillar.empty")}</p>`;
      return c.html(layout(c, t(pillar.key), body));
    });
  }
  return app;
}
