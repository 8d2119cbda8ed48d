import type { Kysely } from "kysely";

/**
 * A project loaded from a Pabulib file keeps the id it had there (issue 19:
 * "an admin can load a past election and recount it"), so the recount can be
 * compared with the file's official winners and exported under the same ids.
 * Null for projects proposed here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("pb_projects").addColumn("source_id", "text").execute();
}
