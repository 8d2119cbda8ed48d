import type { Kysely } from "kysely";

/**
 * Comments on budget projects (issue 19's follow-up, docs/budgeting.md
 * "Comments"): a thread under each project, on the host and in copies,
 * federated as Notes in reply to the project. `uri` is the comment's id (this
 * node's for a comment written here, the author's node's for one from
 * elsewhere); `account_id` the author when a member here; a removed comment
 * keeps its row (removed_at, removed_by_uri) so a late copy of it is not taken
 * again, and its text is emptied.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("pb_comments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("process_id", "text", (c) => c.notNull())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("author_uri", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("removed_at", "text")
    .addColumn("removed_by_uri", "text")
    .execute();
  await db.schema
    .createIndex("pb_comments_project")
    .on("pb_comments")
    .columns(["project_id", "created_at"])
    .execute();
  await db.schema
    .createIndex("pb_comments_account")
    .on("pb_comments")
    .columns(["account_id"])
    .execute();
}
