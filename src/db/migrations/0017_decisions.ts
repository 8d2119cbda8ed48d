import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * Decisions (issue 18): the decision (linked to its group and thread), named
 * votes, and for secret ballots two tables that nothing links: who voted and
 * what was chosen. Both secret tables have no timestamps and no autoincrement;
 * on SQLite they are WITHOUT ROWID, so rows are stored in key order (the
 * voter's URI; a random ballot id) rather than in the order votes came in.
 * PostgreSQL keeps no such order: votes rewrite both tables of a decision in
 * key order (governance/decisions/secret-ballot.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("decisions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("local", "integer", (c) => c.notNull())
    .addColumn("group_id", "text", (c) => c.references("groups.id").onDelete("cascade"))
    .addColumn("group_uri", "text", (c) => c.notNull())
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("created_by_uri", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("rule", "text", (c) => c.notNull())
    .addColumn("settings", "text", (c) => c.notNull())
    .addColumn("options", "text", (c) => c.notNull())
    .addColumn("opens_at", "text", (c) => c.notNull())
    .addColumn("closes_at", "text", (c) => c.notNull())
    .addColumn("results_visibility", "text", (c) => c.notNull())
    .addColumn("vote_changes", "integer", (c) => c.notNull())
    .addColumn("ballot", "text", (c) => c.notNull())
    .addColumn("reminder_lead_seconds", "integer")
    .addColumn("opened_notified_at", "text")
    .addColumn("reminded_at", "text")
    .addColumn("seed", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("round", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("voters_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("tally", "text")
    .addColumn("eligible_weight", "integer")
    .addColumn("closed_at", "text")
    .addColumn("closed_by_uri", "text")
    .addColumn("outcome", "text")
    .addColumn("outcome_at", "text")
    .addColumn("review_at", "text")
    .addColumn("outcome_post_id", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("decisions_post").on("decisions").column("post_id").execute();
  await db.schema
    .createIndex("decisions_group")
    .on("decisions")
    .columns(["group_uri", "id"])
    .execute();
  // The sweep's scans: open decisions by closing time.
  await db.schema
    .createIndex("decisions_open")
    .on("decisions")
    .columns(["status", "closes_at"])
    .execute();

  await db.schema
    .createTable("decision_votes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("decision_id", "text", (c) =>
      c.notNull().references("decisions.id").onDelete("cascade"),
    )
    .addColumn("voter_uri", "text", (c) => c.notNull())
    .addColumn("cast_by_uri", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("weight", "integer", (c) => c.notNull())
    .addColumn("choice", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("reason_hidden_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("decision_votes_one_each", ["decision_id", "voter_uri"])
    .execute();
  await db.schema
    .createIndex("decision_votes_cast_by")
    .on("decision_votes")
    .columns(["cast_by_uri", "decision_id"])
    .execute();

  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  // Secret ballots. No foreign key to decisions on purpose? No: cascading deletes are
  // fine; what matters is that neither table has a column the other can be joined on.
  const withoutRowid = postgres ? sql`` : sql` WITHOUT ROWID`;
  await sql`CREATE TABLE decision_voters (
    decision_id text NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
    voter_uri text NOT NULL,
    cast_by_uri text NOT NULL,
    PRIMARY KEY (decision_id, voter_uri)
  )${withoutRowid}`.execute(db);
  await sql`CREATE TABLE decision_ballots (
    decision_id text NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
    id text NOT NULL,
    weight integer NOT NULL,
    choice text NOT NULL,
    receipt_hash text NOT NULL UNIQUE,
    PRIMARY KEY (decision_id, id)
  )${withoutRowid}`.execute(db);
}
