/**
 * Reads for the media pages (web/media/*) and feeds: an article as its public
 * page shows it, a writer's desk, a publication's queue and front page, the
 * workflow's log and comments, and what an actor may do. Each is a fixed number
 * of queries, whatever the list's length.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import type { ARTICLE_STATES, Article } from "./articles.ts";
import type { Actor } from "./context.ts";
import { readingMinutes } from "./markdown.ts";
import { roleIn } from "./publications.ts";
import { type ArticleVerb, may } from "./rules.ts";

const VERBS: readonly ArticleVerb[] = [
  "edit",
  "submit",
  "return",
  "approve",
  "publish",
  "schedule",
  "unschedule",
  "feature",
  "moderate",
  "delete",
  "read-draft",
];

/** The article row by id. */
export function articleById(db: Kysely<Schema>, id: string): Promise<Article | undefined> {
  return db.selectFrom("articles").selectAll().where("id", "=", id).executeTakeFirst();
}

/** What this actor may do with the article now (the buttons a page shows); empty for strangers. */
export async function allowedVerbs(
  db: Kysely<Schema>,
  article: Article,
  actor: Actor | null,
): Promise<ArticleVerb[]> {
  if (!actor) return [];
  const role = article.publication_id ? await roleIn(db, article.publication_id, actor.id) : null;
  const standing = {
    state: article.state,
    isAuthor: article.author_account_id === actor.id,
    inPublication: article.publication_id !== null,
    role,
  };
  return VERBS.filter((verb) => may(verb, standing));
}

/** A published article as its public page shows it, by slug; undefined if none (or deleted). */
export async function publishedArticle(db: Kysely<Schema>, slug: string) {
  const row = await db
    .selectFrom("articles")
    .innerJoin("posts", "posts.id", "articles.post_id")
    .innerJoin("accounts", "accounts.id", "articles.author_account_id")
    .leftJoin("groups", "groups.id", "articles.publication_id")
    .leftJoin("uploads", "uploads.id", "articles.cover_upload_id")
    .select([
      "articles.id",
      "articles.slug",
      "articles.title",
      "articles.summary",
      "articles.body",
      "articles.language",
      "articles.tags",
      "articles.cover_alt as coverAlt",
      "articles.published_at as publishedAt",
      "articles.updated_at as updatedAt",
      "articles.comments_locked as commentsLocked",
      "articles.author_account_id as authorId",
      "posts.id as postId",
      "posts.uri as postUri",
      "posts.url",
      "posts.content_html as html",
      "posts.edited_at as editedAt",
      "posts.replies_count as repliesCount",
      "accounts.username as author",
      "accounts.display_name as authorName",
      "groups.id as publicationId",
      "groups.name as publication",
      "groups.display_name as publicationName",
      "uploads.path as coverPath",
      "uploads.width as coverWidth",
      "uploads.height as coverHeight",
    ])
    .where("articles.slug", "=", slug)
    .where("articles.state", "=", "published")
    .where("posts.deleted_at", "is", null)
    .where("accounts.status", "=", "active")
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    ...row,
    tags: JSON.parse(row.tags) as string[],
    readingMinutes: readingMinutes(row.body),
    commentsLocked: row.commentsLocked === 1,
  };
}

export type PublishedArticle = NonNullable<Awaited<ReturnType<typeof publishedArticle>>>;

const listColumns = [
  "articles.id",
  "articles.slug",
  "articles.title",
  "articles.summary",
  "articles.state",
  "articles.revision",
  "articles.publication_id as publicationId",
  "articles.scheduled_at as scheduledAt",
  "articles.published_at as publishedAt",
  "articles.featured_at as featuredAt",
  "articles.updated_at as updatedAt",
  "articles.cover_upload_id as coverUploadId",
  "articles.cover_alt as coverAlt",
  "accounts.username as author",
  "accounts.display_name as authorName",
] as const;

/** A writer's desk: their articles in every state, latest change first. */
export function articlesBy(db: Kysely<Schema>, accountId: string, limit = 100) {
  return db
    .selectFrom("articles")
    .innerJoin("accounts", "accounts.id", "articles.author_account_id")
    .select(listColumns)
    .where("articles.author_account_id", "=", accountId)
    .orderBy("articles.updated_at", "desc")
    .limit(Math.min(limit, 500))
    .execute();
}

/** A publication's articles in some states (the editors' queue: submitted, approved, scheduled). */
export function articlesIn(
  db: Kysely<Schema>,
  publicationId: string,
  states: readonly (typeof ARTICLE_STATES)[number][] = ["submitted", "approved", "scheduled"],
  limit = 100,
) {
  return db
    .selectFrom("articles")
    .innerJoin("accounts", "accounts.id", "articles.author_account_id")
    .select(listColumns)
    .where("articles.publication_id", "=", publicationId)
    .where("articles.state", "in", [...states])
    .orderBy("articles.updated_at", "desc")
    .limit(Math.min(limit, 500))
    .execute();
}

/**
 * A front page: featured articles first (latest featured first), then the rest
 * of what was published, latest first. For a publication, or (publicationId
 * null) a member's own blog, by accountId.
 */
export async function frontPage(
  db: Kysely<Schema>,
  where: { publicationId: string } | { accountId: string },
  limit = 20,
) {
  const base = db
    .selectFrom("articles")
    .innerJoin("accounts", "accounts.id", "articles.author_account_id")
    .innerJoin("posts", "posts.id", "articles.post_id")
    .leftJoin("uploads", "uploads.id", "articles.cover_upload_id")
    .select([...listColumns, "uploads.path as coverPath", "articles.body"])
    .where("articles.state", "=", "published")
    .where("posts.deleted_at", "is", null)
    .where("accounts.status", "=", "active")
    .$if("publicationId" in where, (q) =>
      q.where("articles.publication_id", "=", (where as { publicationId: string }).publicationId),
    )
    .$if("accountId" in where, (q) =>
      q
        .where("articles.author_account_id", "=", (where as { accountId: string }).accountId)
        .where("articles.publication_id", "is", null),
    );
  const featured =
    "publicationId" in where
      ? await base
          .where("articles.featured_at", "is not", null)
          .orderBy("articles.featured_at", "desc")
          .limit(5)
          .execute()
      : [];
  const latest = await base
    .orderBy("articles.published_at", "desc")
    .limit(Math.min(limit, 100))
    .execute();
  const strip = <T extends { body: string }>({ body, ...rest }: T) => ({
    ...rest,
    readingMinutes: readingMinutes(body),
  });
  const featuredIds = new Set(featured.map((a) => a.id));
  return {
    featured: featured.map(strip),
    latest: latest.filter((a) => !featuredIds.has(a.id)).map(strip),
  };
}

/** Who did what to an article, in order. */
export function articleLog(db: Kysely<Schema>, articleId: string) {
  return db
    .selectFrom("article_log")
    .leftJoin("accounts", "accounts.id", "article_log.actor_account_id")
    .select([
      "article_log.id",
      "article_log.action",
      "article_log.revision",
      "article_log.note",
      "article_log.post_id as postId",
      "article_log.created_at as createdAt",
      "accounts.username as actor",
    ])
    .where("article_id", "=", articleId)
    .orderBy("article_log.id")
    .execute();
}

/** The editors' comments on an article (general: quote ""), by the log entry they came with. */
export function editorialComments(db: Kysely<Schema>, articleId: string) {
  return db
    .selectFrom("article_comments")
    .leftJoin("accounts", "accounts.id", "article_comments.author_account_id")
    .select([
      "article_comments.id",
      "article_comments.log_id as logId",
      "article_comments.revision",
      "article_comments.quote",
      "article_comments.body",
      "article_comments.created_at as createdAt",
      "accounts.username as author",
    ])
    .where("article_id", "=", articleId)
    .orderBy("article_comments.id")
    .execute();
}

/** The article published as this post, if any (for the thread page, reports and the inbox). */
export function articleOfPost(db: Kysely<Schema>, postId: string) {
  return db
    .selectFrom("articles")
    .select(["id", "slug", "publication_id", "comments_locked"])
    .where("post_id", "=", postId)
    .executeTakeFirst();
}
