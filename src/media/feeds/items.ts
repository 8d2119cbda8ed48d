/**
 * What a feed lists: the newest public posts of one source (a member, a tag, the
 * local timeline, a publication), as plain items with absolute links. The rule it
 * keeps: a feed is read by anyone, so it lists only what an anonymous reader may
 * see (visibility.ts `visibleTo(null)`) and, stricter than that, only `public`
 * posts — unlisted ones stay off feeds as they stay off public timelines — never
 * boosts, never deleted, hidden or suspended authors' posts.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import type { Clock } from "../../kernel/clock.ts";
import { memberUri } from "../../kernel/uris.ts";
import { htmlToText } from "../../social/content.ts";
import { timelinePage } from "../../social/pager.ts";
import { notLimited, notSuspended } from "../../social/timelines.ts";
import type { PostView } from "../../social/views.ts";
import { visibleTo } from "../../social/visibility.ts";
import { escapeXml, type FeedItem } from "./render.ts";

/** Items in a feed. Readers poll the newest; older posts are on the pages. */
export const FEED_SIZE = 20;

export type FeedSource =
  | { kind: "member"; username: string }
  | { kind: "tag"; tag: string }
  | { kind: "local" }
  | { kind: "group"; groupId: string };

export interface FeedContext {
  db: Kysely<Schema>;
  origin: string;
  domain: string;
  clock: Clock;
}

/** The rows of a source, with the conditions every feed shares. */
function sourceRows(f: FeedContext, source: FeedSource) {
  const base = f.db
    .selectFrom("posts as p")
    .where("p.visibility", "=", "public")
    .where("p.reblog_of_id", "is", null)
    .where(visibleTo(null))
    .where(notSuspended);
  switch (source.kind) {
    case "member":
      // Their own posts that start a thread, as Mastodon's account RSS (no replies, no boosts).
      return base
        .where("p.author_uri", "=", memberUri(f.origin, source.username))
        .where("p.in_reply_to_uri", "is", null);
    case "local":
      // As the local timeline page: group posts stay in their groups.
      return base
        .where("p.local", "=", 1)
        .where("p.audience_uri", "is", null)
        .where("p.in_reply_to_uri", "is", null)
        .where(notLimited);
    case "group":
      return base.where("p.group_id", "=", source.groupId).where("p.in_reply_to_uri", "is", null);
    case "tag":
      throw new Error("tag feeds read through the tag index (tagRows)");
  }
}

/** Posts with a tag, cut by the tag index itself (same ids), as the tag page (timelines.ts). */
function tagRows(f: FeedContext, tag: string) {
  return f.db
    .selectFrom("post_tags as t")
    .innerJoin("posts as p", "p.id", "t.post_id")
    .where("t.tag", "=", tag.toLowerCase())
    .where("p.visibility", "=", "public")
    .where("p.reblog_of_id", "is", null)
    .where(visibleTo(null))
    .where(notLimited);
}

/** The newest FEED_SIZE posts of a source, hydrated (author, media, title, summary). */
export async function feedPosts(f: FeedContext, source: FeedSource): Promise<PostView[]> {
  const request = { limit: FEED_SIZE };
  const page =
    source.kind === "tag"
      ? await timelinePage(f, null, { rows: tagRows(f, source.tag), cursor: "t.post_id" }, request)
      : await timelinePage(f, null, { rows: sourceRows(f, source), cursor: "p.id" }, request);
  return page.items;
}

const TITLE_CHARS = 80;

/**
 * A title for any post: an article's or a thread's own; a note's content
 * warning, else the start of its text (readers list items by title).
 */
export function itemTitle(post: Pick<PostView, "title" | "spoiler" | "contentHtml" | "media">) {
  if (post.title) return post.title;
  if (post.spoiler) return post.spoiler;
  const text = htmlToText(post.contentHtml).replace(/\s+/g, " ");
  if (!text) return post.media[0]?.description || "…";
  return text.length <= TITLE_CHARS ? text : `${text.slice(0, TITLE_CHARS - 1).trimEnd()}…`;
}

const absolute = (origin: string, url: string) => (url.startsWith("/") ? `${origin}${url}` : url);

/** Items of hydrated posts: absolute links, tags, the first image; media shown in the content. */
export async function feedItems(f: FeedContext, posts: PostView[]): Promise<FeedItem[]> {
  const ids = posts.map((p) => p.id);
  const tags = ids.length
    ? await f.db
        .selectFrom("post_tags")
        .select(["post_id", "tag"])
        .where("post_id", "in", ids)
        .orderBy("tag")
        .execute()
    : [];
  // An article's link is its public page (/articles/{slug}, posts.url), not the thread view.
  const articles = posts.some((p) => p.kind === "article")
    ? await f.db
        .selectFrom("posts")
        .select(["id", "url"])
        .where("id", "in", ids)
        .where("kind", "=", "article")
        .execute()
    : [];
  const articleUrls = new Map(articles.map((a) => [a.id, a.url]));
  return posts.map((p) => {
    const media = p.media.map((m) => ({ ...m, url: absolute(f.origin, m.url) }));
    const images = media.filter((m) => m.mediaType.startsWith("image/") && isHttp(m.url));
    const first = images[0];
    return {
      id: p.uri,
      url: absolute(f.origin, articleUrls.get(p.id) ?? p.url),
      title: itemTitle(p),
      summary: p.summary,
      contentHtml: p.contentHtml + images.map(imageHtml).join(""),
      published: p.createdAt,
      updated: p.editedAt ?? p.createdAt,
      author: { name: p.author.name, url: absolute(f.origin, p.author.url) },
      tags: tags.filter((t) => t.post_id === p.id).map((t) => t.tag),
      image: first ? { url: first.url, mediaType: first.mediaType } : null,
      language: p.language,
    };
  });
}

const isHttp = (url: string) => /^https?:\/\//i.test(url);

/** An attached image after the text (escaped as an attribute; the URL is ours or http(s)). */
const imageHtml = (m: { url: string; description: string }) =>
  `<p><img src="${escapeXml(m.url)}" alt="${escapeXml(m.description)}"/></p>`;
