/**
 * The search page (/search): one box with Mastodon's query syntax, filters
 * (kind, author, group or publication, tag, dates) in a box that works without
 * JavaScript, ranked results with highlighted snippets, and pages of results.
 * Visitors find public posts; members also what they may see (social/visibility.ts).
 */
import { type Context, Hono } from "hono";
import { html, raw } from "hono/html";
import { searchPosts } from "../../search/search.ts";
import { type PostView, visiblePosts } from "../../social/views.ts";
import type { WebEnv } from "../context.ts";
import { type Html, layout } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { type SocialPagesDeps, socialContext, viewerRef } from "../social/deps.ts";
import { groupPaths } from "../social/render.ts";
import { timeTag } from "../time.ts";
import {
  type FormErrors,
  hasFilters,
  PAGE_SIZE,
  parseSearchForm,
  type SearchForm,
  searchHref,
} from "./form.ts";

interface Result {
  view: PostView;
  titleHtml: string;
  snippetHtml: string;
}

export function searchPages(deps: SocialPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const s = socialContext(deps);

  app.get("/search", async (c) => {
    const t = c.get("t");
    const { values, errors } = parseSearchForm(c.req.query());
    const asked = !!values.q || hasFilters(values);
    if (Object.keys(errors).length > 0 || !asked) {
      const status = Object.keys(errors).length > 0 ? 422 : 200;
      return c.html(layout(c, t("search.title"), page(c, values, errors, null)), status as 200);
    }
    const viewer = viewerRef(deps, c.get("viewer"));
    const query = values.author ? `${values.q} from:${values.author}` : values.q;
    const hits = await searchPosts({ db: deps.db, origin: s.origin, domain: s.domain }, viewer, {
      query,
      kind: values.kind || undefined,
      groupName: values.group || undefined,
      tag: values.tag || undefined,
      since: values.since ? `${values.since}T00:00:00.000Z` : undefined,
      until: values.until ? nextDay(values.until) : undefined,
      // One more than shown: is there a next page?
      limit: PAGE_SIZE + 1,
      offset: (values.page - 1) * PAGE_SIZE,
    });
    const shown = hits.slice(0, PAGE_SIZE);
    const views = new Map(
      (
        await visiblePosts(
          s,
          viewer,
          shown.map((h) => h.postId),
        )
      ).map((v) => [v.id, v]),
    );
    const results = shown.flatMap((h) => {
      const view = views.get(h.postId);
      return view ? [{ view, titleHtml: h.titleHtml, snippetHtml: h.snippetHtml }] : [];
    });
    const title = values.q ? t("search.titleFor", { q: values.q }) : t("search.title");
    const more = hits.length > PAGE_SIZE;
    return c.html(layout(c, title, page(c, values, {}, { results, more })));
  });

  return app;
}

const nextDay = (date: string) => {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
};

function page(
  c: Context<WebEnv>,
  values: SearchForm,
  errors: FormErrors,
  found: { results: Result[]; more: boolean } | null,
): Html {
  const t = c.get("t");
  const error = (name: keyof SearchForm) => {
    const e = errors[name];
    return e
      ? html`<p class="field-error" id="s-${name}-error">${t(e.key, { max: e.max ?? 0 })}</p>`
      : "";
  };
  const invalid = (name: keyof SearchForm) =>
    errors[name] ? html` aria-invalid="true" aria-describedby="s-${name}-error"` : "";
  const input = (name: "author" | "group" | "tag", label: string, hint?: string) =>
    html`<div class="field"><label for="s-${name}">${label}</label>
      <input id="s-${name}" name="${name}" value="${values[name]}" maxlength="200"${invalid(name)} />
      ${hint ? html`<p class="hint">${hint}</p>` : ""}${error(name)}</div>`;
  const date = (name: "since" | "until", label: string) =>
    html`<div class="field"><label for="s-${name}">${label}</label>
      <input id="s-${name}" type="date" name="${name}" value="${values[name]}"${invalid(name)} />${error(name)}</div>`;
  const kinds = [
    ["", t("search.kind.any")],
    ["note", t("search.kind.note")],
    ["article", t("search.kind.article")],
    ["page", t("search.kind.page")],
  ] as const;
  return html`<div class="search-page">
    <h1>${t("search.title")}</h1>
    <form method="get" action="/search" class="search-box" role="search">
      <label for="s-q">${t("search.label")}</label>
      <div class="search-row">
        <input id="s-q" type="search" name="q" value="${values.q}" maxlength="500" autocomplete="off"
          aria-describedby="s-q-hint"${errors.q ? html` aria-invalid="true"` : ""} />
        <button type="submit">${t("search.submit")}</button>
      </div>
      ${error("q")}${error("page")}
      <p class="hint" id="s-q-hint">${t("search.hint")}</p>
      <details class="search-filters"${hasFilters(values) || Object.keys(errors).length > 0 ? html` open` : ""}>
        <summary>${t("search.filters")}</summary>
        <div class="search-filter-grid">
          <div class="field"><label for="s-kind">${t("search.kind")}</label>
            <select id="s-kind" name="kind"${invalid("kind")}>${kinds.map(
              ([value, label]) =>
                html`<option value="${value}"${values.kind === value ? html` selected` : ""}>${label}</option>`,
            )}</select>${error("kind")}</div>
          ${input("author", t("search.author"), t("search.author.hint"))}
          ${input("group", t("search.group"), t("search.group.hint"))}
          ${input("tag", t("search.tag"))}
          ${date("since", t("search.since"))}
          ${date("until", t("search.until"))}
        </div>
        <button type="submit" class="secondary">${t("search.apply")}</button>
      </details>
    </form>
    ${found ? resultList(c, values, found) : Object.keys(errors).length === 0 ? html`<p class="muted">${t("search.empty")}</p>` : ""}
  </div>`;
}

function resultList(
  c: Context<WebEnv>,
  values: SearchForm,
  found: { results: Result[]; more: boolean },
): Html {
  const t = c.get("t");
  if (found.results.length === 0)
    return html`<p class="search-none">${t("search.none", { q: values.q || values.tag || values.author })}</p>`;
  const newer = values.page > 1;
  return html`<h2 class="visually-hidden">${t("search.results")}</h2>
    <ol class="search-results">${found.results.map((r) => hit(c, r))}</ol>
    ${
      newer || found.more
        ? html`<nav class="pager" aria-label="${t("search.pages")}">
          ${newer ? html`<a href="${safeUrl(searchHref(values, values.page - 1))}">${t("search.newer")}</a>` : ""}
          ${found.more ? html`<a href="${safeUrl(searchHref(values, values.page + 1))}">${t("search.older")}</a>` : ""}
        </nav>`
        : ""
    }`;
}

function hit(c: Context<WebEnv>, { view, titleHtml, snippetHtml }: Result): Html {
  const t = c.get("t");
  const group = groupPaths(view);
  const href = group
    ? `${group.thread}#p-${view.id}`
    : view.author.local
      ? `/@${view.author.username}/${view.id}`
      : `/posts/${view.id}`;
  const badge =
    view.kind === "article"
      ? t("search.kind.badge.article")
      : view.kind === "page"
        ? t("search.kind.badge.page")
        : "";
  const restricted =
    view.visibility === "followers"
      ? t("search.visibility.followers")
      : view.visibility === "direct"
        ? t("search.visibility.direct")
        : "";
  // titleHtml and snippetHtml come escaped from search/snippets.ts, <mark> alone kept.
  return html`<li class="search-hit">
    <p class="search-meta">${badge ? html`<span class="badge">${badge}</span> ` : ""}${restricted ? html`<span class="badge muted">${restricted}</span> ` : ""}<a href="${safeUrl(view.author.url)}">${view.author.name || view.author.handle}</a>
      <span class="muted">${view.author.handle} · ${timeTag(c.get("locale"), view.createdAt)}</span></p>
    ${titleHtml ? html`<h3 class="search-title"><a href="${safeUrl(href)}">${raw(titleHtml)}</a></h3>` : ""}
    <p class="search-snippet">${raw(snippetHtml)}</p>
    ${titleHtml ? "" : html`<p class="search-open"><a href="${safeUrl(href)}">${t("search.open")}</a></p>`}
  </li>`;
}
