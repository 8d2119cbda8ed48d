import type { Kysely } from "kysely";

/** The opsroom (issue 21; tables in db/schema/indicators.ts). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("indicators")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("frequency", "text", (c) => c.notNull())
    .addColumn("direction", "text", (c) => c.notNull())
    .addColumn("capability", "double precision")
    .addColumn("potentiality", "double precision")
    .addColumn("share_values", "integer", (c) => c.notNull())
    .addColumn("detector", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("last_period", "text")
    .addColumn("last_value", "double precision")
    .addColumn("last_reported_at", "text")
    .addColumn("values_count", "integer", (c) => c.notNull())
    .addColumn("created_by", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("indicators_group_name", ["group_id", "name"])
    .execute();

  await db.schema
    .createTable("indicator_values")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("indicator_id", "text", (c) =>
      c.notNull().references("indicators.id").onDelete("cascade"),
    )
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("value", "double precision", (c) => c.notNull())
    .addColumn("forecast", "double precision")
    .addColumn("lower", "double precision")
    .addColumn("upper", "double precision")
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("reported_by", "text")
    .addColumn("reported_at", "text", (c) => c.notNull())
    .addUniqueConstraint("indicator_values_period", ["indicator_id", "period"])
    .execute();
  await db.schema
    .createIndex("indicator_values_reporter")
    .on("indicator_values")
    .column("reported_by")
    .execute();

  await db.schema
    .createTable("indicator_alarms")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("indicator_id", "text", (c) =>
      c.notNull().references("indicators.id").onDelete("cascade"),
    )
    .addColumn("group_id", "text", (c) => c.notNull())
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("value", "double precision", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("probability", "double precision", (c) => c.notNull())
    .addColumn("forecast", "double precision", (c) => c.notNull())
    .addColumn("lower", "double precision", (c) => c.notNull())
    .addColumn("upper", "double precision", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("level", "integer", (c) => c.notNull())
    .addColumn("escalated_to", "text", (c) => c.notNull())
    .addColumn("raised_at", "text", (c) => c.notNull())
    .addColumn("escalated_at", "text")
    .addColumn("acknowledged_at", "text")
    .addColumn("acknowledged_by", "text")
    .addColumn("resolved_at", "text")
    .addColumn("resolved_by", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("indicator_alarms_indicator")
    .on("indicator_alarms")
    .columns(["indicator_id", "id"])
    .execute();
  // The escalation sweep reads the alarms still waiting, oldest first.
  await db.schema
    .createIndex("indicator_alarms_waiting")
    .on("indicator_alarms")
    .columns(["state", "level", "raised_at"])
    .execute();

  await db.schema
    .createTable("indicator_alarm_notes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("alarm_uri", "text", (c) => c.notNull())
    .addColumn("author_uri", "text", (c) => c.notNull())
    .addColumn("author_account_id", "text")
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("indicator_alarm_notes_alarm")
    .on("indicator_alarm_notes")
    .columns(["alarm_uri", "id"])
    .execute();
  await db.schema
    .createIndex("indicator_alarm_notes_author")
    .on("indicator_alarm_notes")
    .column("author_account_id")
    .execute();

  await db.schema
    .createTable("indicator_escalations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id").onDelete("cascade"))
    .addColumn("alarm_uri", "text", (c) => c.notNull())
    .addColumn("coop_uri", "text", (c) => c.notNull())
    .addColumn("indicator_uri", "text", (c) => c.notNull())
    .addColumn("indicator_name", "text", (c) => c.notNull())
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("probability", "double precision", (c) => c.notNull())
    .addColumn("value", "double precision")
    .addColumn("forecast", "double precision")
    .addColumn("lower", "double precision")
    .addColumn("upper", "double precision")
    .addColumn("raised_at", "text", (c) => c.notNull())
    .addColumn("received_at", "text", (c) => c.notNull())
    .addColumn("level", "integer", (c) => c.notNull())
    .addColumn("origin_state", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("escalated_to", "text", (c) => c.notNull())
    .addColumn("escalated_at", "text")
    .addColumn("acknowledged_at", "text")
    .addColumn("acknowledged_by", "text")
    .addColumn("resolved_at", "text")
    .addColumn("resolved_by", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("indicator_escalations_alarm", ["group_id", "alarm_uri"])
    .execute();
  await db.schema
    .createIndex("indicator_escalations_waiting")
    .on("indicator_escalations")
    .columns(["state", "received_at"])
    .execute();

  await db.schema
    .createTable("indicator_member_states")
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id").onDelete("cascade"))
    .addColumn("indicator_uri", "text", (c) => c.notNull())
    .addColumn("coop_uri", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("frequency", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("last_period", "text")
    .addColumn("last_value", "double precision")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("indicator_member_states_pk", ["group_id", "indicator_uri"])
    .execute();

  await db.schema
    .createTable("indicator_group_settings")
    .addColumn("group_id", "text", (c) =>
      c.primaryKey().references("groups.id").onDelete("cascade"),
    )
    .addColumn("ack_hours", "integer", (c) => c.notNull())
    .addColumn("resolve_hours", "integer", (c) => c.notNull())
    .addColumn("parent_uri", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
}
