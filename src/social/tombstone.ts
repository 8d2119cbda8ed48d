/**
 * A deleted post's row: emptied, with everything hanging off it dropped, but kept
 * (deleted_at set) so its URI answers 410 and the Delete can still be addressed.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";

/** Empties a post and drops everything hanging off it, but keeps mentions (for addressing). */
export async function tombstone(trx: Kysely<Schema>, postId: string, at: string): Promise<void> {
  await trx.deleteFrom("home_entries").where("post_id", "=", postId).execute();
  await trx.deleteFrom("post_tags").where("post_id", "=", postId).execute();
  await trx.deleteFrom("post_media").where("post_id", "=", postId).execute();
  await trx.deleteFrom("post_edits").where("post_id", "=", postId).execute();
  await trx.deleteFrom("bookmarks").where("post_id", "=", postId).execute();
  await trx.deleteFrom("pins").where("post_id", "=", postId).execute();
  await trx.deleteFrom("remote_pins").where("post_id", "=", postId).execute();
  await trx.deleteFrom("likes").where("post_id", "=", postId).execute();
  await trx.deleteFrom("poll_votes").where("post_id", "=", postId).execute();
  await trx.deleteFrom("polls").where("post_id", "=", postId).execute();
  await trx.deleteFrom("notifications").where("post_id", "=", postId).execute();
  const boosts = await trx
    .selectFrom("posts")
    .select("id")
    .where("reblog_of_id", "=", postId)
    .execute();
  for (const b of boosts) {
    await trx.deleteFrom("home_entries").where("post_id", "=", b.id).execute();
    await trx.deleteFrom("notifications").where("post_id", "=", b.id).execute();
  }
  await trx.deleteFrom("posts").where("reblog_of_id", "=", postId).where("local", "=", 0).execute();
  await trx
    .updateTable("posts")
    .set({ deleted_at: at, reblog_of_id: null })
    .where("reblog_of_id", "=", postId)
    .execute();
  await trx
    .updateTable("posts")
    .set({
      content_html: "",
      source: "",
      spoiler: "",
      has_poll: 0,
      // A group post's title, and the Create a group here kept to announce, go too.
      title: "",
      activity_json: null,
      deleted_at: at,
    })
    .where("id", "=", postId)
    .execute();
}
