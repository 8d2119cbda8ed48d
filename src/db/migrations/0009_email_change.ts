import type { Kysely } from "kysely";

/** A member changing their email address: the new address rides on its confirmation token. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("account_tokens").addColumn("email", "text").execute();
}
