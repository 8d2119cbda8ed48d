/**
 * Single-post reads the pages and the client API need besides views: what a
 * member wrote (to edit it, or to answer its deletion with) and whether a post
 * is there. Reads only; who may see a post is visibility.ts's rule, applied by
 * views and threads.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";

export interface PostSource {
  id: string;
  /** The text as the member typed it. */
  source: string;
  spoiler: string;
  sensitive: boolean;
}

/** A member's own post as they wrote it; not a boost, nor a deleted post. */
export async function ownPostSource(
  db: Kysely<Schema>,
  accountId: string,
  postId: string,
): Promise<PostSource | undefined> {
  const row = await db
    .selectFrom("posts")
    .select(["id", "source", "spoiler", "sensitive"])
    .where("id", "=", postId)
    .where("author_account_id", "=", accountId)
    .where("deleted_at", "is", null)
    .where("reblog_of_id", "is", null)
    .executeTakeFirst();
  return row && { ...row, sensitive: row.sensitive === 1 };
}

/** Whether a post (or boost) with this id is here and not deleted. */
export async function isLivePost(db: Kysely<Schema>, postId: string): Promise<boolean> {
  const row = await db
    .selectFrom("posts")
    .select("id")
    .where("id", "=", postId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return row !== undefined;
}
