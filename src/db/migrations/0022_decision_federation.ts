import type { Kysely } from "kysely";

/**
 * Decisions across nodes (issue 18, docs/decisions.md "Federation"). A member
 * here votes in a decision hosted elsewhere (its copy is a `decisions` row with
 * local = 0): the ballot is kept here, served to the hosting node only, and sent
 * to its Group (`decision_sent_ballots`; the id is the Ballot's). A co-op's
 * assembly may first decide its position in a decision here that its delegate
 * then carries to the federation's (`decision_mandates`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("decision_sent_ballots")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("decision_id", "text", (c) =>
      c.notNull().references("decisions.id").onDelete("cascade"),
    )
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    // The co-op a delegate votes for; "" when the member votes for themself.
    .addColumn("on_behalf_of", "text", (c) => c.notNull())
    .addColumn("choice", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("decision_sent_ballots_one_each", [
      "decision_id",
      "account_id",
      "on_behalf_of",
    ])
    .execute();
  await db.schema
    .createTable("decision_mandates")
    // The federation's decision (a copy of one hosted elsewhere): one mandate each.
    .addColumn("decision_id", "text", (c) =>
      c.primaryKey().references("decisions.id").onDelete("cascade"),
    )
    // The co-op's own decision whose result the delegate carries.
    .addColumn("assembly_decision_id", "text", (c) =>
      c.notNull().references("decisions.id").onDelete("cascade"),
    )
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("decision_sent_ballots_account")
    .on("decision_sent_ballots")
    .columns(["account_id", "id"])
    .execute();
}
