/**
 * A member's interactions with posts: boost (Announce) and like, and undoing
 * both; bookmarks (private) and pins (own public posts, at most MAX_PINS, as
 * Mastodon allows). Boosts and likes of remote posts federate through outbox events.
 */
import type { Kysely } from "kysely";
import { locksRows } from "../accounts/locking.ts";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { likeUri, memberUri, postUri } from "../kernel/uris.ts";
import type { Member, SocialContext } from "./context.ts";
import { bumpCount } from "./counters.ts";
import { fanOut } from "./fanout.ts";
import { notify } from "./notifications.ts";
import { canSee } from "./visibility.ts";

export const MAX_PINS = 5;

async function visiblePost(trx: Kysely<Schema>, s: SocialContext, member: Member, postId: string) {
  const post = await trx
    .selectFrom("posts")
    .select([
      "id",
      "uri",
      "visibility",
      "author_uri",
      "author_account_id",
      "author_remote_id",
      "deleted_at",
      "local",
      "reblog_of_id",
      "audience_uri",
      "group_id",
      "hidden_at",
      "thread_id",
    ])
    .where("id", "=", postId)
    // On PostgreSQL the post's row is locked, so one member's two boosts (a double
    // click) are taken one after the other and the second finds the first.
    .$if(locksRows(trx), (q) => q.forUpdate())
    .executeTakeFirst();
  if (!post || post.reblog_of_id) return null;
  return (await canSee(trx, { id: member.id, uri: memberUri(s.origin, member.username) }, post))
    ? post
    : null;
}

export type InteractionProblem = "not-found" | "not-allowed" | "already" | "limit";

/** The id of an actor's boost of a post, if they boosted it. */
export async function boostOf(
  db: Kysely<Schema>,
  actorUri: string,
  postId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom("posts")
    .select("id")
    .where("reblog_of_id", "=", postId)
    .where("author_uri", "=", actorUri)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return row?.id;
}

/** Boosts a public or unlisted post (followers-only and direct posts cannot be boosted). */
export async function boost(
  s: SocialContext,
  member: Member,
  postId: string,
): Promise<Result<{ id: string }, InteractionProblem>> {
  const actorUri = memberUri(s.origin, member.username);
  return s.db.transaction().execute(async (trx) => {
    const post = await visiblePost(trx, s, member, postId);
    if (!post) return fail("not-found" as const);
    if (post.visibility !== "public" && post.visibility !== "unlisted")
      return fail("not-allowed" as const);
    if (await boostOf(trx, actorUri, postId)) return fail("already" as const);
    const id = newId();
    await trx
      .insertInto("posts")
      .values({
        id,
        uri: `${postUri(s.origin, id)}/activity`,
        url: null,
        author_uri: actorUri,
        author_account_id: member.id,
        author_remote_id: null,
        local: 1,
        visibility: "public",
        in_reply_to_id: null,
        in_reply_to_uri: null,
        thread_id: id,
        reblog_of_id: postId,
        language: null,
        created_at: s.clock.now().toISOString(),
        edited_at: null,
        deleted_at: null,
      })
      .execute();
    await bumpCount(trx, postId, "reblogs_count", 1);
    if (post.author_account_id)
      await notify(
        trx,
        {
          accountId: post.author_account_id,
          type: "reblog",
          fromUri: actorUri,
          fromAccountId: member.id,
          postId,
        },
        s.clock,
      );
    await fanOut(trx, {
      id,
      authorUri: actorUri,
      authorAccountId: member.id,
      visibility: "public",
      mentionedAccountIds: [],
    });
    await recordEvent(trx, { type: "social.post.boosted", payload: { boostId: id } });
    return ok({ id });
  });
}

export async function unboost(s: SocialContext, member: Member, postId: string): Promise<boolean> {
  const actorUri = memberUri(s.origin, member.username);
  return s.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("posts as b")
      .innerJoin("posts as o", "o.id", "b.reblog_of_id")
      .select([
        "b.id",
        "b.uri",
        "b.created_at",
        "o.uri as object_uri",
        "o.author_uri",
        "o.author_remote_id",
        "o.id as object_id",
      ])
      .where("b.reblog_of_id", "=", postId)
      .where("b.author_uri", "=", actorUri)
      .where("b.deleted_at", "is", null)
      .executeTakeFirst();
    if (!row) return false;
    await trx.deleteFrom("home_entries").where("post_id", "=", row.id).execute();
    await trx.deleteFrom("posts").where("id", "=", row.id).execute();
    await bumpCount(trx, row.object_id, "reblogs_count", -1);
    await recordEvent(trx, {
      type: "social.post.unboosted",
      payload: {
        accountId: member.id,
        boostUri: row.uri,
        // What the Announce said, so its Undo can embed it exactly as it was sent.
        boostedAt: row.created_at,
        objectUri: row.object_uri,
        objectAuthorUri: row.author_uri,
        objectAuthorRemoteId: row.author_remote_id,
      },
    });
    return true;
  });
}

export async function like(
  s: SocialContext,
  member: Member,
  postId: string,
): Promise<Result<{ id: string }, InteractionProblem>> {
  const actorUri = memberUri(s.origin, member.username);
  return s.db.transaction().execute(async (trx) => {
    const post = await visiblePost(trx, s, member, postId);
    if (!post) return fail("not-found" as const);
    const existing = await trx
      .selectFrom("likes")
      .select("id")
      .where("post_id", "=", postId)
      .where("actor_uri", "=", actorUri)
      .executeTakeFirst();
    if (existing) return fail("already" as const);
    const id = newId();
    await trx
      .insertInto("likes")
      .values({
        id,
        post_id: postId,
        actor_uri: actorUri,
        account_id: member.id,
        remote_id: null,
        uri: likeUri(s.origin, id),
        created_at: s.clock.now().toISOString(),
      })
      .execute();
    await bumpCount(trx, postId, "likes_count", 1);
    if (post.author_account_id)
      await notify(
        trx,
        {
          accountId: post.author_account_id,
          type: "favourite",
          fromUri: actorUri,
          fromAccountId: member.id,
          postId,
        },
        s.clock,
      );
    // Only a remote author's server needs to hear of it (Mastodon sends Like to the author
    // alone), and the Group of a post in a group elsewhere (Lemmy counts votes there).
    if (post.author_remote_id || (post.audience_uri && !post.group_id))
      await recordEvent(trx, { type: "social.post.liked", payload: { likeId: id } });
    return ok({ id });
  });
}

export async function unlike(s: SocialContext, member: Member, postId: string): Promise<boolean> {
  const actorUri = memberUri(s.origin, member.username);
  return s.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("likes")
      .innerJoin("posts", "posts.id", "likes.post_id")
      .select([
        "likes.id",
        "likes.uri",
        "posts.uri as object_uri",
        "posts.author_remote_id",
        "posts.audience_uri",
        "posts.group_id",
      ])
      .where("likes.post_id", "=", postId)
      .where("likes.actor_uri", "=", actorUri)
      .executeTakeFirst();
    if (!row) return false;
    await trx.deleteFrom("likes").where("id", "=", row.id).execute();
    await bumpCount(trx, postId, "likes_count", -1);
    if (row.author_remote_id || (row.audience_uri && !row.group_id))
      await recordEvent(trx, {
        type: "social.post.unliked",
        payload: {
          accountId: member.id,
          likeUri: row.uri,
          objectUri: row.object_uri,
          authorRemoteId: row.author_remote_id,
        },
      });
    return true;
  });
}

export async function bookmark(s: SocialContext, member: Member, postId: string): Promise<boolean> {
  return s.db.transaction().execute(async (trx) => {
    if (!(await visiblePost(trx, s, member, postId))) return false;
    await trx
      .insertInto("bookmarks")
      .values({ account_id: member.id, post_id: postId, created_at: s.clock.now().toISOString() })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return true;
  });
}

export async function unbookmark(
  s: SocialContext,
  member: Member,
  postId: string,
): Promise<boolean> {
  const r = await s.db
    .deleteFrom("bookmarks")
    .where("account_id", "=", member.id)
    .where("post_id", "=", postId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Pins one of the member's own public or unlisted posts to their profile. */
export async function pin(
  s: SocialContext,
  member: Member,
  postId: string,
): Promise<Result<null, InteractionProblem>> {
  return s.db.transaction().execute(async (trx) => {
    const post = await trx
      .selectFrom("posts")
      .select(["visibility"])
      .where("id", "=", postId)
      .where("author_account_id", "=", member.id)
      .where("deleted_at", "is", null)
      .where("reblog_of_id", "is", null)
      .executeTakeFirst();
    if (!post) return fail("not-found" as const);
    if (post.visibility !== "public" && post.visibility !== "unlisted")
      return fail("not-allowed" as const);
    const pins = await trx
      .selectFrom("pins")
      .select("post_id")
      .where("account_id", "=", member.id)
      .execute();
    if (pins.some((p) => p.post_id === postId)) return fail("already" as const);
    if (pins.length >= MAX_PINS) return fail("limit" as const);
    await trx
      .insertInto("pins")
      .values({ account_id: member.id, post_id: postId, created_at: s.clock.now().toISOString() })
      .execute();
    // Followers hear of it as Add to the member's featured collection (as from Mastodon).
    await recordEvent(trx, {
      type: "social.post.pinned",
      payload: { accountId: member.id, postId },
    });
    return ok(null);
  });
}

export async function unpin(s: SocialContext, member: Member, postId: string): Promise<boolean> {
  return s.db.transaction().execute(async (trx) => {
    const r = await trx
      .deleteFrom("pins")
      .where("account_id", "=", member.id)
      .where("post_id", "=", postId)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) return false;
    await recordEvent(trx, {
      type: "social.post.unpinned",
      payload: { accountId: member.id, postId },
    });
    return true;
  });
}
