/**
 * The public article page for visitors, answered before the federation, locale
 * and session middleware (mounted early in src/app.ts, as feeds are): a visitor
 * without a session cookie gets the page already rendered and encoded for them
 * (pages.ts fills the cache on a first visit), and nothing else runs. Anything
 * this path cannot answer from the cache — a member's cookie, a page not yet
 * rendered in this language, a stamp that changed — passes on to pages.ts, which
 * renders. Freshness is the cache's rule (rendered-cache.ts): the article's stamp
 * is read again after any write this process commits, and at least every second.
 */
import { type Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import type { CoopSettingsStore } from "../../accounts/coop.ts";
import type { Db } from "../../db/database.ts";
import type { WebEnv } from "../context.ts";
import { negotiateLocale } from "../i18n/i18n.ts";
import { SESSION_COOKIE } from "../session.ts";
import { articleStamp } from "./article-read.ts";
import { notModified, type RenderedCache, type RenderedPage } from "./rendered-cache.ts";

const SLUG = /^[\p{L}\p{N}-]{1,80}$/u;

/** One rendering per article, language and co-op name (the page's header shows it). */
export const articleKey = (slug: string, locale: string, coopName: string) =>
  `${slug}|${locale}|${coopName}`;

/** The visitor's answer: shared-cacheable, with a strong ETag and 304s, no cookie. */
export function answerVisitor(
  c: Context<WebEnv>,
  page: RenderedPage & { visitorPage: Uint8Array<ArrayBuffer> },
): Response {
  c.header("Vary", "Accept-Language, Cookie");
  c.header("ETag", page.etag);
  c.header("Cache-Control", "public, max-age=0, must-revalidate");
  if (notModified(c.req.header("if-none-match"), page.etag)) return c.body(null, 304);
  // Encoded once: the hot path copies bytes, it does not re-encode 20 kB of text.
  return c.body(page.visitorPage, 200, { "Content-Type": "text/html; charset=UTF-8" });
}

export function articleVisitorPages(deps: {
  db: Db;
  coop: CoopSettingsStore;
  cache: RenderedCache;
}): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.get("/articles/:slug", async (c, next) => {
    if (getCookie(c, SESSION_COOKIE) !== undefined) return next();
    const slug = c.req.param("slug");
    if (!SLUG.test(slug)) return next();
    const locale = negotiateLocale(c.req.header("accept-language"));
    const key = articleKey(slug, locale, (await deps.coop.get()).name);
    let page = deps.cache.trusted(key);
    if (!page?.visitorPage) {
      const cached = deps.cache.peek(key);
      if (!cached?.visitorPage) return next();
      const writes = deps.cache.writes;
      const found = await articleStamp(deps.db.db, slug);
      if (found?.stamp !== cached.stamp) return next();
      deps.cache.checked(cached, writes);
      page = cached;
    }
    return answerVisitor(c, page as RenderedPage & { visitorPage: Uint8Array<ArrayBuffer> });
  });
  return app;
}
