import type { Kysely } from "kysely";

/**
 * Two lookups of the client API's pages that had no index to walk (issue 24):
 * - whether a page's posts are pinned is asked by post (the viewer flags,
 *   api/status-json.ts: `pins where post_id in (…)`), but pins' only index is its
 *   primary key (account_id, post_id): every page read the whole table;
 * - a member's favourites are paged by the like's id among their own likes
 *   (`likes where actor_uri = ? order by id desc`), and no index starts with
 *   actor_uri: every page walked every like on the node, newest first.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("pins_post").on("pins").column("post_id").execute();
  await db.schema.createIndex("likes_actor").on("likes").columns(["actor_uri", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("likes_actor").execute();
  await db.schema.dropIndex("pins_post").execute();
}
