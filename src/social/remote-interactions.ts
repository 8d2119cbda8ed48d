/**
 * Boosts and likes that arrive from other servers, and their undoing: counted
 * once, only their own actor's, and notified to our members.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { newId } from "../kernel/ids.ts";
import type { SocialContext } from "./context.ts";
import { bumpCount } from "./counters.ts";
import { fanOut } from "./fanout.ts";
import { notify } from "./notifications.ts";

/** Announce of a post we hold (ours, or a remote one already stored). */
export async function receiveBoost(
  db: Kysely<Schema>,
  input: {
    uri: string;
    actorUri: string;
    actorRemoteId: string;
    postId: string;
    createdAt: string;
  },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const known = await trx
      .selectFrom("posts")
      .select("id")
      .where("uri", "=", input.uri)
      .executeTakeFirst();
    if (known) return false;
    const target = await trx
      .selectFrom("posts")
      .select(["id", "visibility", "author_account_id", "deleted_at"])
      .where("id", "=", input.postId)
      .executeTakeFirst();
    if (
      !target ||
      target.deleted_at ||
      (target.visibility !== "public" && target.visibility !== "unlisted")
    )
      return false;
    const dup = await trx
      .selectFrom("posts")
      .select("id")
      .where("reblog_of_id", "=", input.postId)
      .where("author_uri", "=", input.actorUri)
      .executeTakeFirst();
    if (dup) return false;
    const id = newId();
    await trx
      .insertInto("posts")
      .values({
        id,
        uri: input.uri,
        url: null,
        author_uri: input.actorUri,
        author_account_id: null,
        author_remote_id: input.actorRemoteId,
        local: 0,
        visibility: "public",
        in_reply_to_id: null,
        in_reply_to_uri: null,
        thread_id: id,
        reblog_of_id: input.postId,
        language: null,
        created_at: input.createdAt,
        edited_at: null,
        deleted_at: null,
      })
      .execute();
    await bumpCount(trx, input.postId, "reblogs_count", 1);
    if (target.author_account_id)
      await notify(trx, {
        accountId: target.author_account_id,
        type: "reblog",
        fromUri: input.actorUri,
        fromRemoteId: input.actorRemoteId,
        postId: input.postId,
      });
    await fanOut(trx, {
      id,
      authorUri: input.actorUri,
      authorAccountId: null,
      visibility: "public",
      mentionedAccountIds: [],
    });
    return true;
  });
}

/** Undo(Announce): by the Announce's id, and only its own actor's. */
export async function receiveUndoBoost(
  db: Kysely<Schema>,
  uri: string,
  actorUri: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("posts")
      .select(["id", "reblog_of_id"])
      .where("uri", "=", uri)
      .where("author_uri", "=", actorUri)
      .where("reblog_of_id", "is not", null)
      .executeTakeFirst();
    if (!row?.reblog_of_id) return false;
    await trx.deleteFrom("home_entries").where("post_id", "=", row.id).execute();
    await trx.deleteFrom("posts").where("id", "=", row.id).execute();
    await bumpCount(trx, row.reblog_of_id, "reblogs_count", -1);
    await trx
      .deleteFrom("notifications")
      .where("type", "=", "reblog")
      .where("from_uri", "=", actorUri)
      .where("post_id", "=", row.reblog_of_id)
      .execute();
    return true;
  });
}

export async function receiveLike(
  s: Pick<SocialContext, "db" | "clock">,
  input: { uri: string; actorUri: string; actorRemoteId: string; postId: string },
): Promise<boolean> {
  return s.db.transaction().execute(async (trx) => {
    const post = await trx
      .selectFrom("posts")
      .select(["id", "author_account_id", "deleted_at", "visibility"])
      .where("id", "=", input.postId)
      .executeTakeFirst();
    if (!post || post.deleted_at) return false;
    const existing = await trx
      .selectFrom("likes")
      .select("id")
      .where("post_id", "=", input.postId)
      .where("actor_uri", "=", input.actorUri)
      .executeTakeFirst();
    if (existing) return false;
    await trx
      .insertInto("likes")
      .values({
        id: newId(),
        post_id: input.postId,
        actor_uri: input.actorUri,
        account_id: null,
        remote_id: input.actorRemoteId,
        uri: input.uri,
        created_at: s.clock.now().toISOString(),
      })
      .execute();
    await bumpCount(trx, input.postId, "likes_count", 1);
    if (post.author_account_id)
      await notify(trx, {
        accountId: post.author_account_id,
        type: "favourite",
        fromUri: input.actorUri,
        fromRemoteId: input.actorRemoteId,
        postId: input.postId,
      });
    return true;
  });
}

/** Undo(Like): by the Like's id, else by (actor, object). */
export async function receiveUndoLike(
  db: Kysely<Schema>,
  input: { uri: string | null; actorUri: string; objectUri: string | null },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom("likes")
      .innerJoin("posts", "posts.id", "likes.post_id")
      .select(["likes.id", "likes.post_id"])
      .where("likes.actor_uri", "=", input.actorUri);
    if (input.uri) q = q.where("likes.uri", "=", input.uri);
    else if (input.objectUri) q = q.where("posts.uri", "=", input.objectUri);
    else return false;
    const row = await q.executeTakeFirst();
    if (!row) return false;
    await trx.deleteFrom("likes").where("id", "=", row.id).execute();
    await bumpCount(trx, row.post_id, "likes_count", -1);
    await trx
      .deleteFrom("notifications")
      .where("type", "=", "favourite")
      .where("from_uri", "=", input.actorUri)
      .where("post_id", "=", row.post_id)
      .execute();
    return true;
  });
}
