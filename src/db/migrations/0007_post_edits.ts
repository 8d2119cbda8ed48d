import type { Kysely } from "kysely";

/**
 * Earlier versions of edited posts (see schema/social.ts, PostEditsTable): one row
 * per version an edit replaced, read in id order (UUIDv7) by the post's history.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("post_edits")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("source", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("content_html", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("spoiler", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("sensitive", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("media", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("poll_options", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("post_edits_post")
    .on("post_edits")
    .columns(["post_id", "id"])
    .execute();
}
