/**
 * What the public article page shows, read from the one content model: an
 * article is a post of kind `article` (docs/social.md), its comments are the
 * replies in its thread that a visitor may see (from the fediverse too), its
 * publication is the Group it was written in. Only what anyone may read is
 * loaded here (the visitor's view, `thread(…, null, …)`), so the result can be
 * cached and served to everyone.
 *
 * `articleStamp` is the one cheap query asked on every request: a string that
 * changes whenever anything the page shows changes (an edit, a new, edited,
 * hidden or deleted comment, the author's suspension, the publication's name),
 * so a cached rendering is used only while it is still true — in every web
 * process, without messages between them.
 */
import { type Kysely, sql } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { localPathOrNull } from "../../kernel/safe-url.ts";
import type { SocialContext } from "../../social/context.ts";
import { thread } from "../../social/timelines.ts";
import type { PostView } from "../../social/views.ts";

export interface PublicArticle {
  post: PostView;
  comments: PostView[];
  tags: string[];
  publication: { name: string; displayName: string } | null;
  cover: { path: string; alt: string; width: number | null; height: number | null } | null;
  readingMinutes: number;
}

/** Words a minute an adult reads silently (Brysbaert 2019: 238 for non-fiction). */
const WORDS_PER_MINUTE = 238;

/** Reading time in whole minutes (at least 1) of rendered HTML. */
export function readingMinutes(contentHtml: string): number {
  // Counting words only: the text is never shown, so tags are simply dropped.
  const text = contentHtml.replace(/<[^>]*>/g, " ").replace(/&[a-z#0-9]+;/gi, " ");
  const words = text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  return Math.max(1, Math.round(words / WORDS_PER_MINUTE));
}

/**
 * The version of everything the page shows, or null when there is no public
 * local article with this id (then the caller lets the ordinary post page answer).
 */
export async function articleStamp(
  db: Kysely<Schema>,
  id: string,
): Promise<{ stamp: string; username: string } | null> {
  // One indexed pass over the thread (posts_thread: thread_id, id), the author and
  // the publication; a stamp that costs one query, asked on every request.
  const { rows } = await sql<Record<string, string | number | null>>`
    select p.visibility, p.deleted_at, p.hidden_at, p.edited_at,
      a.username, a.updated_at as author_changed, g.display_name as publication,
      count(t.id) as n, max(t.id) as last_id,
      max(coalesce(t.edited_at, t.created_at)) as changed,
      max(t.deleted_at) as deleted, max(t.hidden_at) as hidden,
      l.n as suspended, l.at as suspended_at
    from posts p
    cross join (select count(*) as n, max(created_at) as at from actor_limits
      where level = 'suspend') l
    join accounts a on a.id = p.author_account_id
    left join groups g on g.id = p.group_id
    join posts t on t.thread_id = p.id
    where p.id = ${id} and p.kind = 'article' and p.local = 1 and p.reblog_of_id is null
    group by p.id, p.visibility, p.deleted_at, p.hidden_at, p.edited_at,
      a.username, a.updated_at, g.display_name, l.n, l.at`.execute(db);
  const row = rows[0];
  if (!row || row.deleted_at || row.hidden_at) return null;
  if (row.visibility !== "public" && row.visibility !== "unlisted") return null;
  const stamp = Object.values(row)
    .map((v) => String(v ?? ""))
    .join("|");
  return { stamp, username: String(row.username ?? "") };
}

/** The article as a visitor sees it, or null (not an article, not public, suspended…). */
export async function readPublicArticle(
  s: SocialContext,
  id: string,
): Promise<PublicArticle | null> {
  const found = await thread(s, null, id);
  if (found?.post.kind !== "article" || !found.post.author.local) return null;
  const post = found.post;
  const [tags, publication] = await Promise.all([
    s.db.selectFrom("post_tags").select("tag").where("post_id", "=", id).orderBy("tag").execute(),
    post.audience?.groupId
      ? s.db
          .selectFrom("groups")
          .select(["name", "display_name"])
          .where("id", "=", post.audience.groupId)
          .executeTakeFirst()
      : undefined,
  ]);
  // The cover: the article's first image, only when it is stored here (no third-party request).
  const first = post.media[0];
  const coverPath = first ? localPathOrNull(first.url) : null;
  return {
    post,
    comments: found.descendants,
    tags: tags.map((r) => r.tag),
    publication: publication
      ? { name: publication.name, displayName: publication.display_name || publication.name }
      : null,
    cover:
      first && coverPath
        ? { path: coverPath, alt: first.description, width: first.width, height: first.height }
        : null,
    readingMinutes: readingMinutes(post.contentHtml),
  };
}

/** The latest public articles written here, newest first (the /media front page). */
export async function latestArticleIds(db: Kysely<Schema>, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("posts")
    .select("id")
    .where("kind", "=", "article")
    .where("local", "=", 1)
    .where("visibility", "=", "public")
    .where("deleted_at", "is", null)
    .where("hidden_at", "is", null)
    .where("reblog_of_id", "is", null)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
