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
 * hidden or deleted comment, comments locked, the author's profile or
 * suspension, the publication's name),
 * so a cached rendering is used only while it is still true — in every web
 * process, without messages between them.
 */
import { type Kysely, sql } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { localPathOrNull } from "../../kernel/safe-url.ts";
import { articleUrl } from "../../kernel/uris.ts";
import { readingMinutes } from "../../media/markdown.ts";
import type { SocialContext } from "../../social/context.ts";
import { thread } from "../../social/timelines.ts";
import type { PostView } from "../../social/views.ts";

export interface PublicArticle {
  /** The page's address (/articles/{slug}), its canonical URL. */
  url: string;
  post: PostView;
  comments: PostView[];
  tags: string[];
  publication: { name: string; displayName: string } | null;
  cover: { path: string; alt: string; width: number | null; height: number | null } | null;
  readingMinutes: number;
  commentsLocked: boolean;
}

/**
 * The version of everything the page of the published article with this slug
 * shows, with its post's id; null when no such article is published.
 */
export async function articleStamp(
  db: Kysely<Schema>,
  slug: string,
): Promise<{ stamp: string; postId: string } | null> {
  // One indexed pass over the thread (posts_thread: thread_id, id), the author and
  // the publication; a stamp that costs one query, asked on every request.
  const { rows } = await sql<Record<string, string | number | null>>`
    select p.id as post_id, p.visibility, p.deleted_at, p.hidden_at, p.edited_at,
      ar.updated_at, ar.comments_locked, ar.featured_at,
      a.updated_at as author_changed, g.display_name as publication,
      count(t.id) as n, max(t.id) as last_id,
      max(coalesce(t.edited_at, t.created_at)) as changed,
      max(t.deleted_at) as deleted, max(t.hidden_at) as hidden,
      l.n as suspended, l.at as suspended_at
    from articles ar
    cross join (select count(*) as n, max(created_at) as at from actor_limits
      where level = 'suspend') l
    join posts p on p.id = ar.post_id
    join accounts a on a.id = p.author_account_id
    left join groups g on g.id = p.group_id
    join posts t on t.thread_id = p.id
    where ar.slug = ${slug} and ar.state = 'published'
    group by p.id, p.visibility, p.deleted_at, p.hidden_at, p.edited_at,
      ar.updated_at, ar.comments_locked, ar.featured_at,
      a.updated_at, g.display_name, l.n, l.at`.execute(db);
  const row = rows[0];
  if (!row || row.deleted_at || row.hidden_at) return null;
  if (row.visibility !== "public" && row.visibility !== "unlisted") return null;
  const stamp = Object.values(row)
    .map((v) => String(v ?? ""))
    .join("|");
  return { stamp, postId: String(row.post_id) };
}

/** The article as a visitor sees it, or null (not an article, not public, suspended…). */
export async function readPublicArticle(
  s: SocialContext,
  id: string,
): Promise<PublicArticle | null> {
  const found = await thread(s, null, id);
  if (found?.post.kind !== "article" || !found.post.author.local) return null;
  const post = found.post;
  const [tags, publication, article] = await Promise.all([
    s.db.selectFrom("post_tags").select("tag").where("post_id", "=", id).orderBy("tag").execute(),
    post.audience?.groupId
      ? s.db
          .selectFrom("groups")
          .select(["name", "display_name"])
          .where("id", "=", post.audience.groupId)
          .executeTakeFirst()
      : undefined,
    s.db
      .selectFrom("articles")
      .select(["comments_locked", "body", "slug"])
      .where("post_id", "=", id)
      .executeTakeFirst(),
  ]);
  // The cover: the article's first image, only when it is stored here (no third-party request).
  const first = post.media[0];
  const coverPath = first ? localPathOrNull(first.url) : null;
  return {
    url: articleUrl(s.origin, article?.slug ?? ""),
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
    readingMinutes: readingMinutes(article?.body ?? ""),
    commentsLocked: article?.comments_locked === 1,
  };
}

/** The latest published articles, newest first (the /media front page, a publication's). */
export async function latestArticles(
  db: Kysely<Schema>,
  limit: number,
  publicationId?: string,
): Promise<{ postId: string; slug: string }[]> {
  const rows = await db
    .selectFrom("articles")
    .select(["post_id", "slug"])
    .where("state", "=", "published")
    .where("post_id", "is not", null)
    .$if(publicationId !== undefined, (q) =>
      q.where("publication_id", "=", publicationId as string),
    )
    .orderBy("published_at", "desc")
    .limit(limit)
    .execute();
  return rows.flatMap((r) => (r.post_id ? [{ postId: r.post_id, slug: r.slug }] : []));
}
