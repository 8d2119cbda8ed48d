/**
 * The front page. A visitor sees what the co-op is and what its members do here.
 * A member sees the co-op's front page (issue 23): first what needs them, then what
 * is new, then their home timeline with the compose form (a "New post" button on a
 * phone). It is one server render: each block is a bounded read (front-reads.ts),
 * run side by side, and nothing on it needs JavaScript.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { htmlToText } from "../../social/content.ts";
import { homeTimeline } from "../../social/timelines.ts";
import { composeBox } from "../compose-box.ts";
import type { WebEnv } from "../context.ts";
import { coopMarkdown } from "../coop-text.ts";
import { decisionLine } from "../decisions/landing.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { type Html, layout, menu } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { composeForm } from "../social/compose.ts";
import { type SocialPagesDeps, socialContext, viewerRef } from "../social/deps.ts";
import { groupPaths, postList } from "../social/render.ts";
import { exactDate, timeTag } from "../time.ts";
import {
  type Needs,
  needsOf,
  type Suggestions,
  suggestionsFor,
  type WhatsNew,
  whatsNew,
} from "./front-reads.ts";

/** The visitor's front page: the co-op, then each part of the node, honest about what works. */
function visitorFront(c: Context<WebEnv>): Html {
  const t = c.get("t");
  const coop = c.get("coop");
  return html`<section class="hero">
      <h1>${t("home.title", { name: coop.name })}</h1>
      ${coop.description ? html`<div class="lead coop-description">${coopMarkdown(coop.description, new URL(c.req.url).origin)}</div>` : html`<p class="lead">${t("home.lead")}</p>`}
      <p class="hero-actions"><a class="button" href="/signup">${t("nav.signup")}</a> <a class="button secondary" href="/login">${t("nav.login")}</a></p>
    </section>
    <h2>${t("home.pillars")}</h2>
    <ul class="cards pillar-cards">
      ${menu.map(
        (p) =>
          html`<li class="card pillar-card"><h3>${p.coming ? html`${t(p.key)} <span class="badge">${t("pillar.coming")}</span>` : html`<a href="${safeUrl(p.path)}">${t(p.key)}</a>`}</h3><p>${t(`${p.key}.about` as MessageKey)}</p></li>`,
      )}
    </ul>`;
}

function needsBlock(c: Context<WebEnv>, needs: Needs): Html {
  const t = c.get("t");
  const locale = c.get("locale");
  const now = new Date();
  const items: Html[] = [];
  for (const d of needs.decisions) items.push(decisionLine(c, d, now));
  for (const b of needs.budgets)
    items.push(
      html`<li><a href="${safeUrl(`/budgets/${b.id}/vote`)}"><strong>${b.title}</strong></a>
        <div class="meta">${t("front.budgetVoting", { group: b.groupTitle })}${b.endsAt ? html` · ${t("front.until", { when: exactDate(locale, b.endsAt) })}` : ""}</div></li>`,
    );
  for (const a of needs.alarms.indicators)
    items.push(
      html`<li class="alarm"><a href="${safeUrl(needs.alarms.opsroom)}"><strong>${a.name}</strong></a>
        <div class="meta">${t("front.alarms", { n: a.waiting })}</div></li>`,
    );
  for (const r of needs.joinRequests)
    items.push(
      html`<li><a href="${safeUrl(`/groups/${r.groupName}/manage`)}"><strong>${r.groupTitle}</strong></a>
        <div class="meta">${t("front.joinRequests", { n: r.count })}</div></li>`,
    );
  if (needs.reports)
    items.push(
      html`<li><a href="/moderation"><strong>${t("social.nav.moderation")}</strong></a>
        <div class="meta">${t("front.reports", { n: needs.reports })}</div></li>`,
    );
  return html`<section class="front-block front-needs" aria-labelledby="front-needs">
    <h2 id="front-needs">${t("front.needs")}</h2>
    ${items.length ? html`<ul class="decision-list">${items}</ul>` : html`<p class="muted">${t("front.needs.none")}</p>`}
  </section>`;
}

function newBlock(c: Context<WebEnv>, fresh: WhatsNew): Html | "" {
  const t = c.get("t");
  const locale = c.get("locale");
  if (!fresh.articles.length && !fresh.threads.length) return "";
  const line = (href: string, title: string, meta: Html) =>
    html`<li><a href="${safeUrl(href)}"><strong>${title}</strong></a><div class="meta">${meta}</div></li>`;
  return html`<section class="front-block front-new" aria-labelledby="front-new">
    <h2 id="front-new">${t("front.new")}</h2>
    <ul class="decision-list">
      ${fresh.articles.map(({ post, slug }) =>
        line(
          `/articles/${encodeURIComponent(slug)}`,
          post.title || t("front.article"),
          html`${t("front.article")} · ${post.author.name} · ${timeTag(locale, post.createdAt)}`,
        ),
      )}
      ${fresh.threads.map((p) =>
        line(
          p.url,
          p.title || p.spoiler || htmlToText(p.contentHtml).slice(0, 80) || t("front.thread"),
          html`${groupPaths(p)?.base.slice("/groups/".length) ?? t("groups.title")} · ${p.author.name} · ${timeTag(locale, p.createdAt)}`,
        ),
      )}
    </ul>
  </section>`;
}

function suggestionsBlock(c: Context<WebEnv>, s: Suggestions): Html | "" {
  const t = c.get("t");
  if (!s.people.length && !s.groups.length) return "";
  return html`<section class="front-block front-suggest" aria-labelledby="front-suggest">
    <h2 id="front-suggest">${t("front.suggest")}</h2>
    <p class="muted">${t("front.suggest.lead")}</p>
    ${s.people.length ? html`<h3>${t("front.suggest.people")}</h3><ul class="chips">${s.people.map((p) => html`<li><a href="${safeUrl(`/@${p.username}`)}"><span class="avatar tiny placeholder" aria-hidden="true">${p.name.slice(0, 1).toUpperCase()}</span>${p.name}</a></li>`)}</ul>` : ""}
    ${s.groups.length ? html`<h3>${t("front.suggest.groups")}</h3><ul class="chips">${s.groups.map((g) => html`<li><a href="${safeUrl(`/groups/${g.name}`)}">${g.title}</a></li>`)}</ul>` : ""}
  </section>`;
}

export function homePages(deps: SocialPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const s = socialContext(deps);

  app.get("/", async (c) => {
    const t = c.get("t");
    const coop = c.get("coop");
    const viewer = c.get("viewer");
    if (!viewer) return c.html(layout(c, coop.name, visitorFront(c)));
    const ref = viewerRef(deps, viewer) as NonNullable<ReturnType<typeof viewerRef>>;
    const [needs, fresh, timeline] = await Promise.all([
      needsOf(s, viewer),
      whatsNew(s, viewer, ref),
      homeTimeline(s, ref, {}),
    ]);
    const suggestions = timeline.items.length ? null : await suggestionsFor(deps.db, viewer);
    const body = html`<h1 class="visually-hidden">${coop.name}</h1>
      <div class="front">
        <div class="front-side">
          ${needsBlock(c, needs)}
          ${newBlock(c, fresh)}
        </div>
        <section class="front-timeline" aria-labelledby="front-timeline">
          <h2 id="front-timeline">${t("front.timeline")}</h2>
          ${composeBox(c, composeForm(c))}
          ${suggestions ? suggestionsBlock(c, suggestions) : ""}
          ${postList(c, timeline.items, timeline.nextMaxId, "/social")}
        </section>
      </div>`;
    return c.html(layout(c, coop.name, body));
  });

  return app;
}
