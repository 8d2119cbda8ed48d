/**
 * Locked comments, as the places that write replies ask it: social/posts.ts for
 * a member's reply and the inbox handlers for one arriving. Kept apart from
 * comments.ts so social can import it without importing the media capability.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";

/** Is the thread this post belongs to an article whose comments are locked? */
export async function threadLocked(db: Kysely<Schema>, threadId: string): Promise<boolean> {
  return !!(await db
    .selectFrom("articles")
    .select("id")
    .where("post_id", "=", threadId)
    .where("comments_locked", "=", 1)
    .executeTakeFirst());
}

/** Would a reply to the post with this URI land on a locked article? (For the inbox.) */
export async function repliesLocked(db: Kysely<Schema>, inReplyToUri: string): Promise<boolean> {
  const parent = await db
    .selectFrom("posts")
    .select("thread_id")
    .where("uri", "=", inReplyToUri)
    .executeTakeFirst();
  return parent ? threadLocked(db, parent.thread_id) : false;
}
