/**
 * Feed routes: `/@{username}/feed.{rss,atom,json}`, `/tags/{tag}/feed.…`,
 * `/social/local/feed.…` and `/groups/{name}/feed.…` (publications are groups).
 * A feed is rendered once per version of the data and language (FeedCache) and
 * answered with ETag / Last-Modified; a matching If-None-Match or
 * If-Modified-Since gets 304 with no body.
 */
import { type Context, Hono, type Next } from "hono";
import type { Config } from "../../config.ts";
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../kernel/clock.ts";
import type { FeedCache } from "../../media/feeds/cache.ts";
import { isNotModified } from "../../media/feeds/conditional.ts";
import {
  type FeedContext,
  type FeedSource,
  feedItems,
  feedPosts,
} from "../../media/feeds/items.ts";
import {
  FEED_MEDIA_TYPES,
  type FeedFormat,
  type FeedMeta,
  renderFeed,
} from "../../media/feeds/render.ts";
import { groupSubject, memberSubject } from "../../media/feeds/subjects.ts";
import type { WebEnv } from "../context.ts";
import { negotiateLocale, type Translate, translator } from "../i18n/i18n.ts";
import { feedPath } from "./discovery.ts";

export interface FeedPagesDeps {
  db: Db;
  config: Config;
  clock: Clock;
  cache: FeedCache;
  /** The co-op's name (cached by its store), for titles. */
  coopName: () => Promise<string>;
}

/** A feed's subject as the page shows it; null when there is no such feed. */
type Describe = (
  c: Context<WebEnv>,
  t: Translate,
  coop: string,
) => Promise<{
  source: FeedSource;
  pagePath: string;
  meta: Pick<FeedMeta, "title" | "description" | "language" | "author">;
} | null>;

const FILE = ":file{feed\\.(?:rss|atom|json)}";
const TAG = /^[\p{L}\p{N}_]{1,100}$/u;

export function feedPages(deps: FeedPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const f: FeedContext = {
    db: deps.db.db,
    origin: deps.config.origin,
    domain: deps.config.domain,
    clock: deps.clock,
  };
  // A committed outbox write (a post made, edited, deleted…) may change any feed.
  deps.db.onOutboxWritten(deps.cache.invalidate);

  const serve = (describe: Describe) => async (c: Context<WebEnv>, next: Next) => {
    const format = c.req.param("file")?.slice("feed.".length) as FeedFormat;
    const path = new URL(c.req.url).pathname;
    // This runs before the locale middleware (app.ts): the language is the reader's header.
    const locale = negotiateLocale(c.req.header("accept-language"));
    const key = `${locale} ${path}`;
    const feed = await deps.cache.getOrRender(key, async () => {
      const subject = await describe(c, translator(locale), await deps.coopName());
      if (!subject) return null;
      const items = await feedItems(f, await feedPosts(f, subject.source));
      const origin = deps.config.origin;
      // ISO-8601 UTC strings sort as the times they name.
      const updated =
        items
          .map((i) => i.updated)
          .sort()
          .at(-1) ?? deps.clock.now().toISOString();
      const meta: FeedMeta = {
        ...subject.meta,
        homeUrl: `${origin}${subject.pagePath}`,
        feedUrls: {
          rss: `${origin}${feedPath(subject.pagePath, "rss")}`,
          atom: `${origin}${feedPath(subject.pagePath, "atom")}`,
          json: `${origin}${feedPath(subject.pagePath, "json")}`,
        },
        updated,
        generator: "Synco",
      };
      return { body: renderFeed(format, meta, items), updated };
    });
    // No such feed: on to the rest of the app, which answers with its 404 page.
    if (!feed) return next();
    c.header("ETag", feed.etag);
    c.header("Last-Modified", feed.lastModified);
    c.header("Cache-Control", "public, max-age=60");
    c.header("Vary", "Accept-Language");
    const headers = {
      ifNoneMatch: c.req.header("if-none-match"),
      ifModifiedSince: c.req.header("if-modified-since"),
    };
    if (isNotModified(headers, feed)) return c.body(null, 304);
    c.header("Content-Type", FEED_MEDIA_TYPES[format]);
    return c.body(feed.body, 200);
  };

  app.get(
    `/:handle{@[A-Za-z0-9_]{1,30}}/${FILE}`,
    serve(async (c, t, coop) => {
      const member = await memberSubject(f.db, c.req.param("handle")?.slice(1) ?? "");
      if (!member) return null;
      const url = `${f.origin}/@${member.username}`;
      return {
        source: { kind: "member", username: member.username },
        pagePath: `/@${member.username}`,
        meta: {
          title: `${member.name} (@${member.username}@${f.domain})`,
          description: t("feeds.member.description", {
            name: member.name,
            coop,
          }),
          language: member.language,
          author: { name: member.name, url },
        },
      };
    }),
  );

  app.get(
    `/tags/:tag/${FILE}`,
    serve(async (c, t, coop) => {
      const tag = c.req.param("tag") ?? "";
      if (!TAG.test(tag)) return null;
      const lower = tag.toLowerCase();
      return {
        source: { kind: "tag", tag: lower },
        pagePath: `/tags/${encodeURIComponent(lower)}`,
        meta: {
          title: t("feeds.tag.title", { tag: lower, coop }),
          description: t("feeds.tag.description", { tag: lower, coop }),
          language: null,
          author: null,
        },
      };
    }),
  );

  app.get(
    `/social/local/${FILE}`,
    serve(async (_c, t, coop) => {
      return {
        source: { kind: "local" },
        pagePath: "/social/local",
        meta: {
          title: t("feeds.local.title", { coop }),
          description: t("feeds.local.description", { coop }),
          language: null,
          author: null,
        },
      };
    }),
  );

  app.get(
    `/groups/:name{[A-Za-z0-9_]{1,30}}/${FILE}`,
    serve(async (c, t, coop) => {
      const group = await groupSubject(f.db, c.req.param("name") ?? "");
      if (!group) return null;
      return {
        source: { kind: "group", groupId: group.id },
        pagePath: `/groups/${group.name}`,
        meta: {
          title: group.displayName,
          description:
            group.description ||
            t("feeds.group.description", { name: group.displayName, coop: coop }),
          language: null,
          author: null,
        },
      };
    }),
  );

  return app;
}
