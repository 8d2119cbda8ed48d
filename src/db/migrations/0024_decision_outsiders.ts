import type { Kysely } from "kysely";

/**
 * A decision may let outsiders vote (issue 18: "Mastodon and GoToSocial users can
 * vote where the group allows outsiders"): anyone who can see its thread, from any
 * server, votes for themself. Only poll-shaped, non-secret decisions without a
 * quorum (decisions.ts says why).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("decisions")
    .addColumn("outsiders", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}
