import type { Kysely } from "kysely";

/**
 * Moderation of groups: bans (a removed actor who may not come back until
 * unbanned: their Follow is rejected, their requests refused), the group's
 * moderation log (who did what, when and why), and hidden threads (shown to the
 * group's moderators only).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("group_bans")
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id").onDelete("cascade"))
    .addColumn("actor_uri", "text", (c) => c.notNull())
    .addColumn("banned_by", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("group_bans_pk", ["group_id", "actor_uri"])
    .execute();

  await db.schema
    .createTable("group_moderation_log")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id").onDelete("cascade"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("moderator_uri", "text", (c) => c.notNull())
    .addColumn("target_uri", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("group_moderation_log_group")
    .on("group_moderation_log")
    .columns(["group_id", "id"])
    .execute();

  await db.schema.alterTable("group_posts").addColumn("hidden_at", "text").execute();
}
