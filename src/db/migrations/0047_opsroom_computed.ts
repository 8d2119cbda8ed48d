import type { Kysely } from "kysely";

/**
 * Issue 21: indicators whose values the marketplace computes (a stock, the
 * deliveries of a period, a ledger balance) instead of members reporting them,
 * and the members who asked for no alarm mail (mail is on by default for the
 * people who answer for a group's alarms).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("indicators").addColumn("computed_from", "text").execute();
  await db.schema.alterTable("indicators").addColumn("computed_ref", "text").execute();
  await db.schema
    .createTable("indicator_mail_optouts")
    .addColumn("account_id", "text", (c) => c.primaryKey())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
}
