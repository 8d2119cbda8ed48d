/**
 * The media pages: /media (the pillar's front page: the latest articles) and
 * the public article page at /articles/{slug} (the post's `url`, so links from
 * Mastodon land here; the post's own address /@writer/{id} redirects there).
 *
 * The article page is rendered once per version and served from memory
 * (rendered-cache.ts): a request asks the database at most for the article's
 * stamp (not even that while the cache can trust it), answers 304 to a matching
 * If-None-Match, and otherwise sends the cached HTML. Members get the same
 * article inside their own page header; visitors are mostly answered before
 * this, by article-visitors.ts.
 */
import { type Context, Hono } from "hono";
import { html, raw } from "hono/html";
import { articlesBy } from "../../media/views.ts";
import { visiblePosts } from "../../social/views.ts";
import type { WebEnv } from "../context.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { isPostId } from "../social/deps.ts";
import { articleStamp, latestArticles, readPublicArticle } from "./article-read.ts";
import {
  type ArticleViewContext,
  articleBody,
  articleHeadLines,
  articleItem,
} from "./article-view.ts";
import { answerVisitor, articleKey } from "./article-visitors.ts";
import {
  deskStylesheet,
  deskStylesheetPath,
  mediaScript,
  mediaScriptPath,
  mediaStylesheet,
  mediaStylesheetLink,
  mediaStylesheetPath,
} from "./assets.ts";
import { type MediaPagesDeps, mediaContext } from "./deps.ts";
import { etagOf, RenderedCache, type RenderedPage } from "./rendered-cache.ts";

const LATEST = 20;
/** A slug as media/articles.ts makes them (letters, digits, dashes; 60 + a "-n" suffix): anything else is no slug. */
const SLUG = /^[\p{L}\p{N}-]{1,80}$/u;

export function mediaPages(deps: MediaPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  // Without the node's cache (which hears its writes) the trust window is never used.
  const cache = deps.cache ?? new RenderedCache(1000, { trustWindowMs: 0 });
  const s = mediaContext(deps);
  const viewContext = (c: Context<WebEnv>): ArticleViewContext => ({
    t: c.get("t"),
    locale: c.get("locale"),
    origin: deps.config.origin,
    domain: deps.config.domain,
    siteName: c.get("coop").name,
  });

  app.get(mediaStylesheetPath, (c) => {
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    return c.body(mediaStylesheet, 200, { "Content-Type": "text/css; charset=utf-8" });
  });

  app.get(deskStylesheetPath, (c) => {
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    return c.body(deskStylesheet, 200, { "Content-Type": "text/css; charset=utf-8" });
  });

  app.get(mediaScriptPath, (c) => {
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    return c.body(mediaScript, 200, { "Content-Type": "text/javascript; charset=utf-8" });
  });

  app.get("/media", async (c) => {
    const t = c.get("t");
    const v = viewContext(c);
    const viewer = c.get("viewer");
    const [mine, publications] = await Promise.all([
      viewer ? articlesBy(deps.db, viewer.id, 50) : [],
      deps.db
        .selectFrom("groups")
        .select(["name", "display_name", "description"])
        .where("kind", "=", "publication")
        .where("visibility", "=", "public")
        .orderBy("name")
        .limit(100)
        .execute(),
    ]);
    const latest = await latestArticles(deps.db, LATEST);
    const slugs = new Map(latest.map((a) => [a.postId, a.slug]));
    const posts = await visiblePosts(
      s,
      null,
      latest.map((a) => a.postId),
    );
    const body = html`<div class="media-front">
      <h1>${t("pillar.media")}</h1>
      <p class="lead">${t("media.lead")}</p>
      ${viewer ? html`<p class="actions"><a class="button" href="/media/new">${t("media.write")}</a> <a href="/publications/new">${t("media.pub.new")}</a></p>` : ""}
      ${
        viewer
          ? html`<h2>${t("media.mine")}</h2>${
              mine.length
                ? html`<ul class="desk">${mine.map((a) => html`<li><a href="/media/articles/${a.id}/edit">${a.title}</a> <span class="badge state-${a.state}">${t(`media.state.${a.state}`)}</span></li>`)}</ul>`
                : html`<p class="muted">${t("media.mine.none")}</p>`
            }`
          : ""
      }
      <h2>${t("media.latest")}</h2>
      ${
        posts.length
          ? html`<ul class="media-list">${posts.map((p) => articleItem(v, p, slugs.get(p.id) ?? ""))}</ul>`
          : html`<p class="notice">${t("media.none")}</p>`
      }
      <h2>${t("media.publications")}</h2>
      ${
        publications.length
          ? html`<ul class="publication-list">${publications.map((p) => html`<li><a href="/publications/${p.name}">${p.display_name || p.name}</a>${p.description ? html` — <span class="muted">${p.description}</span>` : ""}</li>`)}</ul>`
          : html`<p class="muted">${t("media.publications.none")}</p>`
      }
    </div>`;
    return c.html(layout(c, t("pillar.media"), body, { head: mediaStylesheetLink() }));
  });

  // The article's post by its post address: the article page is its home (the post's url).
  app.get("/:handle{@[A-Za-z0-9_]{1,30}}/:id", async (c, next) => {
    const id = c.req.param("id");
    if (!isPostId(id)) return next();
    const article = await deps.db
      .selectFrom("articles")
      .select("slug")
      .where("post_id", "=", id)
      .where("state", "=", "published")
      .executeTakeFirst();
    if (!article) return next();
    return redirectHere(c, `/articles/${encodeURIComponent(article.slug)}`, 301);
  });

  app.get("/articles/:slug", async (c) => {
    const slug = c.req.param("slug");
    if (!SLUG.test(slug)) return c.notFound();
    const viewer = c.get("viewer");
    const key = articleKey(slug, c.get("locale"), c.get("coop").name);
    let page = cache.trusted(key);
    if (!page) {
      const writes = cache.writes;
      const found = await articleStamp(deps.db, slug);
      if (!found) return c.notFound();
      page = cache.get(key, found.stamp);
      if (page) cache.checked(page, writes);
      else {
        const article = await readPublicArticle(s, found.postId);
        if (!article) return c.notFound();
        const v = viewContext(c);
        const head = (
          await html`${mediaStylesheetLink()}${articleHeadLines(article, v)}`
        ).toString();
        const body = (await articleBody(article, v)).toString();
        page = {
          stamp: found.stamp,
          etag: etagOf(key, found.stamp),
          title: article.post.title,
          head,
          body,
          visitorPage: null,
          checkedWrites: writes,
          checkedAt: performance.now(),
        };
        cache.set(key, page);
      }
    }
    const extras = { head: raw(page.head), bodyClass: "article-page" };
    if (viewer) {
      c.header("Vary", "Accept-Language, Cookie");
      // A member's header carries their name and a CSRF token: not shared, not cached by others.
      c.header("Cache-Control", "private, no-cache");
      return c.html(layout(c, page.title, raw(page.body), extras));
    }
    if (page.visitorPage === null) {
      const whole = (await layout(c, page.title, raw(page.body), extras)).toString();
      page.visitorPage = new TextEncoder().encode(whole);
    }
    return answerVisitor(c, page as RenderedPage & { visitorPage: Uint8Array<ArrayBuffer> });
  });

  return app;
}
