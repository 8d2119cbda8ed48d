import type { Kysely } from "kysely";

/**
 * Notices for moderators and admins (issue 23): a notification may name what it is
 * about beyond a post (a report, a group, an applicant's account: subject_id),
 * may wait to be mailed (mail_pending, cleared by the worker's mail sweep), and a
 * member may turn such mail off (notification_policies.mail_notices).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("notifications").addColumn("subject_id", "text").execute();
  await db.schema
    .alterTable("notifications")
    .addColumn("mail_pending", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex("notifications_mail_pending")
    .on("notifications")
    .columns(["mail_pending", "id"])
    .execute();
  await db.schema
    .alterTable("notification_policies")
    .addColumn("mail_notices", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
}
