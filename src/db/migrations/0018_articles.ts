import type { Kysely } from "kysely";

/**
 * Articles (issue 17): drafts with numbered revisions, the editorial workflow's
 * log and comments, scheduling, featuring and comment locks, and who writes for
 * a publication (its staff: editors and writers). A published
 * article is a post of kind "article" (0014); publications are groups of kind
 * "publication" (groups.kind is text, so no change there).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("articles")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("author_account_id", "text", (c) => c.notNull())
    .addColumn("publication_id", "text")
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("summary", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("body", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("language", "text")
    .addColumn("tags", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("cover_upload_id", "text")
    .addColumn("cover_alt", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("post_id", "text")
    .addColumn("scheduled_at", "text")
    .addColumn("published_at", "text")
    .addColumn("featured_at", "text")
    .addColumn("comments_locked", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("articles_author")
    .on("articles")
    .columns(["author_account_id", "id"])
    .execute();
  await db.schema
    .createIndex("articles_publication")
    .on("articles")
    .columns(["publication_id", "state", "id"])
    .execute();
  // The scheduler's sweep: due articles, oldest first.
  await db.schema
    .createIndex("articles_scheduled")
    .on("articles")
    .columns(["state", "scheduled_at"])
    .execute();
  await db.schema.createIndex("articles_post").on("articles").column("post_id").execute();
  await db.schema
    .createTable("publication_staff")
    .addColumn("publication_id", "text", (c) => c.notNull())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("publication_staff_pk", ["publication_id", "account_id"])
    .execute();
  await db.schema
    .createIndex("publication_staff_account")
    .on("publication_staff")
    .column("account_id")
    .execute();
  await db.schema
    .createTable("article_revisions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("article_id", "text", (c) => c.notNull())
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("editor_account_id", "text")
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("restored_from", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("article_revisions_number", ["article_id", "number"])
    .execute();
  await db.schema
    .createTable("article_log")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("article_id", "text", (c) => c.notNull())
    .addColumn("actor_account_id", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("post_id", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("article_log_article")
    .on("article_log")
    .columns(["article_id", "id"])
    .execute();
  await db.schema
    .createTable("article_comments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("article_id", "text", (c) => c.notNull())
    .addColumn("log_id", "text", (c) => c.notNull())
    .addColumn("author_account_id", "text")
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("quote", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("article_comments_article")
    .on("article_comments")
    .columns(["article_id", "id"])
    .execute();
}
