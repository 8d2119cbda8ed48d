import type { Kysely } from "kysely";

/**
 * Whether a page's posts are pinned is asked by post (the client API's viewer
 * flags, api/status-json.ts: `pins where post_id in (…)`), but pins' only index
 * is its primary key (account_id, post_id): every page read the whole table.
 * This index finds a page's pins by post directly (issue 24).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("pins_post").on("pins").column("post_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("pins_post").execute();
}
