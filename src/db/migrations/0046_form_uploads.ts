import type { Kysely } from "kysely";

/**
 * Images a member picked in a web form that was refused for another reason (issue 23):
 * kept as uploads so the form shows them again without picking them twice. A row
 * goes when its post is written; the worker removes the upload of a row older than
 * a day that no post took.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("form_uploads")
    .addColumn("upload_id", "text", (c) =>
      c.primaryKey().references("uploads.id").onDelete("cascade"),
    )
    .addColumn("owner_id", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("form_uploads_owner")
    .on("form_uploads")
    .columns(["owner_id", "created_at"])
    .execute();
  await db.schema
    .createIndex("form_uploads_created")
    .on("form_uploads")
    .column("created_at")
    .execute();
}
