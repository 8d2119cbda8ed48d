import type { Kysely } from "kysely";

/**
 * Agreements (issue 20, docs/economy.md "Agreements"): the proposer's answer to
 * an offer (a rejection's reason, FEP-0837's Reject `content`) and a moderator's
 * hiding of a message in an agreement's thread.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("econ_agreements")
    .addColumn("answer_note", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema
    .alterTable("econ_messages")
    .addColumn("hidden", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // "My agreements": an account's, newest first.
  await db.schema
    .createIndex("econ_agreements_account")
    .on("econ_agreements")
    .columns(["account_id", "updated_at"])
    .execute();
}
