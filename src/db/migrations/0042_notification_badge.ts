import type { Kysely } from "kysely";

/** The header's unread badge counts a member's unread notifications on every page (issue 23). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("notifications_unread")
    .on("notifications")
    .columns(["account_id", "read"])
    .execute();
}
