import type { Kysely } from "kysely";

/**
 * Plan rounds plan labour (issue 21's gap): an offer says how many hours one
 * unit takes (`econ_proposals.hours_per_unit`), and a co-op states the hours
 * it has for a round (`plan_round_hours`). And a ledger on a third node answers
 * a co-op's transfer request: the payer's node keeps the outcome on the request
 * (`credit_requests.status`, `reason`, `transfer_uri`, `answered_at`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("econ_proposals")
    .addColumn("hours_per_unit", "double precision")
    .execute();
  await db.schema
    .createTable("plan_round_hours")
    .addColumn("round_id", "text", (c) =>
      c.notNull().references("plan_rounds.id").onDelete("cascade"),
    )
    .addColumn("coop_uri", "text", (c) => c.notNull())
    .addColumn("hours", "double precision", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("stated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("plan_round_hours_pk", ["round_id", "coop_uri"])
    .execute();
  for (const column of ["status", "reason", "transfer_uri", "answered_at"])
    await db.schema.alterTable("credit_requests").addColumn(column, "text").execute();
}
