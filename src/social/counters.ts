/** The denormalised counts on a post (replies, boosts, likes), moved by one in the change's transaction. */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";

export type PostCounter = "replies_count" | "reblogs_count" | "likes_count";

export async function bumpCount(
  trx: Kysely<Schema>,
  postId: string,
  counter: PostCounter,
  delta: 1 | -1,
): Promise<void> {
  await trx
    .updateTable("posts")
    .set((eb) => ({ [counter]: eb(counter, delta > 0 ? "+" : "-", 1) }))
    .where("id", "=", postId)
    // Undoing what a count never saw (a replayed Undo) must not take it below zero.
    .$if(delta < 0, (q) => q.where(counter, ">", 0))
    .execute();
}
