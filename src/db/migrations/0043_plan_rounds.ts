import type { Kysely } from "kysely";

/** Plan rounds of a federation group (issue 21; tables in db/schema/plan-rounds.ts). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("plan_rounds")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("local", "integer", (c) => c.notNull())
    .addColumn("group_id", "text", (c) => c.references("groups.id").onDelete("cascade"))
    .addColumn("group_uri", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("deadline", "text", (c) => c.notNull())
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("weights", "text", (c) => c.notNull())
    .addColumn("weights_decision_id", "text")
    .addColumn("solver_version", "text", (c) => c.notNull())
    .addColumn("diagnosis", "text")
    .addColumn("claimed_at", "text")
    .addColumn("opened_by_uri", "text", (c) => c.notNull())
    .addColumn("opened_by", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("closed_at", "text")
    .execute();
  await db.schema
    .createIndex("plan_rounds_status")
    .on("plan_rounds")
    .columns(["local", "status"])
    .execute();
  await db.schema
    .createIndex("plan_rounds_group")
    .on("plan_rounds")
    .columns(["group_uri", "created_at"])
    .execute();

  await db.schema
    .createTable("plan_revisions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("round_id", "text", (c) =>
      c.notNull().references("plan_rounds.id").onDelete("cascade"),
    )
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("input", "text", (c) => c.notNull())
    .addColumn("output", "text")
    .addColumn("keys", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("solver_version", "text", (c) => c.notNull())
    .addColumn("seconds", "double precision", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("plan_revisions_round", ["round_id", "revision"])
    .execute();

  await db.schema
    .createTable("plan_commitments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("round_id", "text", (c) =>
      c.notNull().references("plan_rounds.id").onDelete("cascade"),
    )
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("provider_uri", "text", (c) => c.notNull())
    .addColumn("receiver_uri", "text", (c) => c.notNull())
    .addColumn("spec_uri", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("quantity", "bigint", (c) => c.notNull())
    .addColumn("offer_uri", "text", (c) => c.notNull())
    .addColumn("request_uri", "text", (c) => c.notNull())
    .addColumn("unit_cost", "double precision", (c) => c.notNull())
    .addColumn("destination_price", "double precision", (c) => c.notNull())
    .addColumn("marginal_cost", "double precision", (c) => c.notNull())
    .addColumn("supply_price", "double precision", (c) => c.notNull())
    .addColumn("provider_answer", "text")
    .addColumn("receiver_answer", "text")
    .addColumn("agreement_uri", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("plan_commitments_provider")
    .on("plan_commitments")
    .columns(["round_id", "provider_uri"])
    .execute();
  await db.schema
    .createIndex("plan_commitments_receiver")
    .on("plan_commitments")
    .columns(["round_id", "receiver_uri"])
    .execute();

  await db.schema
    .createTable("plan_part_answers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("round_id", "text", (c) =>
      c.notNull().references("plan_rounds.id").onDelete("cascade"),
    )
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("coop_uri", "text", (c) => c.notNull())
    .addColumn("answer", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("answered_at", "text", (c) => c.notNull())
    .addUniqueConstraint("plan_part_answers_once", ["round_id", "revision", "coop_uri"])
    .execute();
  await db.schema
    .createIndex("plan_part_answers_account")
    .on("plan_part_answers")
    .column("account_id")
    .execute();

  // The weights a group's decision set, and the proposals of new weights awaiting their decision.
  await db.schema
    .createTable("plan_group_weights")
    .addColumn("group_id", "text", (c) =>
      c.primaryKey().references("groups.id").onDelete("cascade"),
    )
    .addColumn("weights", "text", (c) => c.notNull())
    .addColumn("decision_id", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("plan_weight_proposals")
    .addColumn("decision_id", "text", (c) => c.primaryKey())
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id").onDelete("cascade"))
    .addColumn("weights", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("proposed_by", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("settled_at", "text")
    .execute();
}
