import type { Kysely } from "kysely";

/**
 * Reports of group posts reach the group's moderators too (issue 16): a report
 * names the group hosted here whose post it is about (`group_id`), and the
 * group's moderators settle it on their own (`group_resolved_at`/`_by`), apart
 * from the co-op's moderators, who still see and resolve every report (`status`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("reports").addColumn("group_id", "text").execute();
  await db.schema.alterTable("reports").addColumn("group_resolved_at", "text").execute();
  await db.schema.alterTable("reports").addColumn("group_resolved_by", "text").execute();
  await db.schema.createIndex("reports_group").on("reports").columns(["group_id", "id"]).execute();
}
