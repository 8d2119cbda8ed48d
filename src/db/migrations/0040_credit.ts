import { type Kysely, sql } from "kysely";

/**
 * The mutual-credit ledger's additions to the economy tables (0033):
 * - credit_transfers.initiated_by: the local member who asked for a transfer
 *   (their export lists it; deleting them clears it, so the transfer stays,
 *   attributed to the co-op only);
 * - one settlement per agreement: a partial unique index over the transfers
 *   that were not refused, so an agreement fulfilled twice (an event relayed
 *   again, both parties' nodes asking) pays once;
 * - credit_requests: on a member co-op's node, the transfers it asked a ledger
 *   hosted elsewhere to make (the Offer it sent), kept to show what was asked.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("credit_transfers").addColumn("initiated_by", "text").execute();
  await db.schema
    .createIndex("credit_transfers_one_settlement")
    .on("credit_transfers")
    .columns(["agreement_uri"])
    .unique()
    // Constants in the index's predicate, not parameters: DDL takes none.
    .where(sql<boolean>`agreement_uri is not null and status <> 'refused'`)
    .execute();
  await db.schema
    .createIndex("credit_transfers_ledger_seq")
    .on("credit_transfers")
    .columns(["ledger_id", "status", "seq"])
    .execute();
  await db.schema
    .createIndex("credit_entries_transfer")
    .on("credit_entries")
    .columns(["transfer_id"])
    .execute();

  await db.schema
    .createTable("credit_requests")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("ledger_uri", "text", (c) => c.notNull())
    .addColumn("group_uri", "text", (c) => c.notNull())
    .addColumn("payer_uri", "text", (c) => c.notNull())
    .addColumn("payee_uri", "text", (c) => c.notNull())
    .addColumn("amount", "bigint", (c) => c.notNull())
    .addColumn("memo", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("agreement_uri", "text")
    .addColumn("payer_activity_uri", "text")
    .addColumn("payee_activity_uri", "text")
    .addColumn("initiated_by", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("credit_requests_one_settlement")
    .on("credit_requests")
    .columns(["agreement_uri"])
    .unique()
    .where("agreement_uri", "is not", null)
    .execute();
}
