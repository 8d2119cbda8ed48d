import type { Kysely } from "kysely";

/**
 * The data commons across nodes (issue 22, docs/dp.md "Federation"): a
 * federation's questions and the parts its member co-ops sent back (on the
 * federation's node), the answers a member node gave (on that node), budget
 * proposals carried by decisions, and co-op consents (a node admin acting for
 * the co-op).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("commons_fed_queries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("dataset_id", "text", (c) =>
      c.notNull().references("commons_datasets.id").onDelete("cascade"),
    )
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("query", "text", (c) => c.notNull())
    .addColumn("query_hash", "text", (c) => c.notNull())
    .addColumn("rho", "double precision", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("release_id", "text")
    .addColumn("asked_by_uri", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("closes_at", "text", (c) => c.notNull())
    .addColumn("published_at", "text")
    .addUniqueConstraint("commons_fed_queries_query", ["dataset_id", "period", "query_hash"])
    .execute();
  await db.schema
    .createIndex("commons_fed_queries_dataset")
    .on("commons_fed_queries")
    .columns(["dataset_id", "id"])
    .execute();

  await db.schema
    .createTable("commons_fed_parts")
    .addColumn("query_id", "text", (c) =>
      c.notNull().references("commons_fed_queries.id").onDelete("cascade"),
    )
    .addColumn("coop_uri", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("answer_uri", "text")
    .addColumn("release_uri", "text")
    .addColumn("body", "text")
    .addColumn("signature", "text")
    .addColumn("key_id", "text")
    .addColumn("received_at", "text")
    .addPrimaryKeyConstraint("commons_fed_parts_pk", ["query_id", "coop_uri"])
    .execute();

  await db.schema
    .createTable("commons_fed_answers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("query_uri", "text", (c) => c.notNull().unique())
    .addColumn("dataset_id", "text", (c) =>
      c.notNull().references("commons_datasets.id").onDelete("cascade"),
    )
    .addColumn("group_uri", "text", (c) => c.notNull())
    .addColumn("release_id", "text")
    .addColumn("reason", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("commons_budget_proposals")
    .addColumn("decision_id", "text", (c) =>
      c.primaryKey().references("decisions.id").onDelete("cascade"),
    )
    .addColumn("dataset_id", "text", (c) =>
      c.notNull().references("commons_datasets.id").onDelete("cascade"),
    )
    .addColumn("budget_rho", "double precision", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("proposed_by_uri", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("settled_at", "text")
    .execute();
  await db.schema
    .createIndex("commons_budget_proposals_dataset")
    .on("commons_budget_proposals")
    .columns(["dataset_id", "decision_id"])
    .execute();

  await db.schema.alterTable("commons_consents").addColumn("coop_uri", "text").execute();
}
