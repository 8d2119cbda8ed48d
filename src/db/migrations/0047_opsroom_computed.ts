import type { Kysely } from "kysely";

/**
 * Issue 21: indicators whose values the marketplace computes (a stock, the
 * deliveries of a period, a ledger balance) instead of members reporting them,
 * the members who asked for no alarm mail (mail is on by default for the
 * people who answer for a group's alarms), and the alarm notifications already
 * mailed (claimed before sending, so a mail goes once).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("indicators").addColumn("computed_from", "text").execute();
  await db.schema.alterTable("indicators").addColumn("computed_ref", "text").execute();
  await db.schema
    .createTable("indicator_mail_optouts")
    .addColumn("account_id", "text", (c) => c.primaryKey())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("indicator_mails")
    .addColumn("notification_id", "text", (c) => c.primaryKey())
    .addColumn("sent_at", "text", (c) => c.notNull())
    .execute();
}
