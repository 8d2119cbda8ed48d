/**
 * Discussions in a group: threads (posts of kind "page", with a title) and their
 * replies. They are posts like any other (social/posts.ts), whose audience is the
 * Group: members get mentions, hashtags, images, polls, content warnings, likes,
 * boosts and edits as everywhere. This module adds what a group decides: who may
 * write (its members; in a restricted group only moderators start threads), who
 * may delete (the author or the group's moderators, logged), and hiding.
 *
 * A post in a group hosted here is announced by the Group to its members
 * (FEP-1b12, event groups.post.created); a member's post in a group on another
 * node is sent to that Group (groups.post.sent), which announces it.
 */
import type { Kysely, Selectable } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { PostsTable, Visibility } from "../db/schema/social.ts";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import type { SocialContext } from "../social/context.ts";
import { bumpCount } from "../social/counters.ts";
import { type CreatePostOptions, writeOnce } from "../social/idempotency.ts";
import { type PostInput, type PostProblem, writePost } from "../social/posts.ts";
import {
  type RemoteAudience,
  type RemotePostInput,
  storeRemoteGroupPost,
} from "../social/remote-posts.ts";
import { tombstone } from "../social/tombstone.ts";
import type { Group } from "./groups.ts";
import { canModerate, type LocalMember, standingOf } from "./memberships.ts";
import { recordModeration } from "./moderation-log.ts";
import { groupUri, personUri } from "./uris.ts";

export type GroupPost = Selectable<PostsTable>;

/** What a member writes in a group: a post without visibility (the group decides it). */
export type GroupPostInput = Omit<PostInput, "visibility" | "audience" | "kind"> & {
  /** A thread's title (required for a thread, ignored for a reply). */
  title?: string;
};

export type PostFailure = "forbidden" | "not-found" | "title-required" | PostProblem;

/** Who reads a group's posts: everyone for a public group, its members otherwise. */
const visibilityIn = (group: Pick<Group, "visibility">): Visibility =>
  group.visibility === "public" ? "public" : "followers";

/** May this viewer read the group's threads? Public groups: anyone; others: members. */
export async function canRead(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  viewer: LocalMember | null,
): Promise<boolean> {
  if (group.visibility === "public") return true;
  if (!viewer) return false;
  return (await standingOf(db, origin, group, viewer)).status === "active";
}

function asPost(input: GroupPostInput, reply: boolean) {
  const title = (input.title ?? "").trim();
  if (!reply && !title) return null;
  return {
    ...input,
    title: reply ? "" : title,
    kind: reply ? ("note" as const) : ("page" as const),
  };
}

/** A post written, and the thread it is in (a page shows the thread). */
export interface Placed {
  id: string;
  uri: string;
  threadId: string;
}

async function placed(trx: Kysely<Schema>, id: string): Promise<Placed> {
  const row = await trx
    .selectFrom("posts")
    .select(["uri", "thread_id"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return { id, uri: row.uri, threadId: row.thread_id };
}

/** The HTTP status a refused group post answers with. */
export const failureStatus = (reason: PostFailure): 403 | 404 | 422 =>
  reason === "forbidden" ? 403 : reason === "not-found" || reason === "reply-not-found" ? 404 : 422;

/** A member starts a thread, or replies to a post of the group (an app's Idempotency-Key honoured). */
export async function writeInGroup(
  s: SocialContext,
  group: Group,
  author: LocalMember,
  input: GroupPostInput,
  options: CreatePostOptions = {},
): Promise<Result<Placed, PostFailure>> {
  if (!asPost(input, !!input.inReplyToId)) return fail("title-required");
  return writeOnce<Placed, PostFailure>(
    s,
    author.id,
    options,
    (trx) => writeInGroupWithin(trx, s, group, author, input),
    placed,
  );
}

/**
 * writeInGroup's checks and write inside a transaction the caller holds, for a
 * change that must commit with its post (a decision and its thread).
 */
export async function writeInGroupWithin(
  trx: Kysely<Schema>,
  s: SocialContext,
  group: Group,
  author: LocalMember,
  input: GroupPostInput,
): Promise<Result<Placed, PostFailure>> {
  const reply = !!input.inReplyToId;
  const post = asPost(input, reply);
  if (!post) return fail("title-required");
  const standing = await standingOf(trx, s.origin, group, author);
  if (standing.status !== "active") return fail("forbidden" as const);
  // Lemmy's postingRestrictedToMods: only moderators start threads; anyone replies.
  if (!reply && group.posting_restricted && !canModerate(standing.role))
    return fail("forbidden" as const);
  const written = await writePost(trx, s, author, {
    ...post,
    visibility: visibilityIn(group),
    audience: { uri: groupUri(s.origin, group.name), groupId: group.id },
  });
  if (!written.ok) return written;
  await recordEvent(trx, {
    type: "groups.post.created",
    payload: { postId: written.value.id },
  });
  return ok(await placed(trx, written.value.id));
}

/** A member writes in a group hosted elsewhere (they follow it): sent to the Group. */
export async function writeInRemoteGroup(
  s: SocialContext,
  groupActorUri: string,
  author: LocalMember,
  input: GroupPostInput,
  options: CreatePostOptions = {},
): Promise<Result<Placed, PostFailure>> {
  const reply = !!input.inReplyToId;
  const post = asPost(input, reply);
  if (!post) return fail("title-required");
  return writeOnce<Placed, PostFailure>(
    s,
    author.id,
    options,
    async (trx) => {
      const follows = await trx
        .selectFrom("follows")
        .select("id")
        .where("follower_uri", "=", personUri(s.origin, author.username))
        .where("followee_uri", "=", groupActorUri)
        .where("status", "=", "accepted")
        .executeTakeFirst();
      if (!follows) return fail("forbidden" as const);
      const written = await writePost(trx, s, author, {
        ...post,
        visibility: await visibilityElsewhere(trx, groupActorUri, input.inReplyToId ?? null),
        audience: { uri: groupActorUri, groupId: null },
      });
      if (!written.ok) return written;
      await recordEvent(trx, { type: "groups.post.sent", payload: { postId: written.value.id } });
      return ok(await placed(trx, written.value.id));
    },
    placed,
  );
}

/**
 * Who reads a post in a group elsewhere: as its parent, for a reply; for a new
 * thread, public when the group's own threads reach us as public, else its members.
 */
async function visibilityElsewhere(
  trx: Kysely<Schema>,
  groupActorUri: string,
  inReplyToId: string | null,
): Promise<Visibility> {
  const like = await trx
    .selectFrom("posts")
    .select("visibility")
    .$if(inReplyToId !== null, (q) => q.where("id", "=", inReplyToId as string))
    .$if(inReplyToId === null, (q) =>
      q.where("audience_uri", "=", groupActorUri).where("local", "=", 0).orderBy("id", "desc"),
    )
    .executeTakeFirst();
  return like?.visibility === "public" ? "public" : "followers";
}

/** A post of some group (here or elsewhere), by id. */
export function findPost(db: Kysely<Schema>, id: string) {
  return db
    .selectFrom("posts")
    .selectAll()
    .where("id", "=", id)
    .where("audience_uri", "is not", null)
    .executeTakeFirst();
}

export function findPostByUri(db: Kysely<Schema>, uri: string) {
  return db
    .selectFrom("posts")
    .selectAll()
    .where("uri", "=", uri)
    .where("audience_uri", "is not", null)
    .executeTakeFirst();
}

/**
 * A post from elsewhere, addressed to a group hosted here (Create) or announced
 * to our members by a remote Group (Announce). Stored once per URI, as any remote
 * post (social/remote-posts.ts); when the group is hosted here, the Group then
 * announces it to its members.
 */
export async function receiveGroupPost(
  s: SocialContext,
  group: Group | null,
  input: RemotePostInput,
  audience: RemoteAudience,
): Promise<"stored" | "duplicate" | "no-parent"> {
  const visibility: Visibility = group
    ? visibilityIn(group)
    : input.visibility === "public" || input.visibility === "unlisted"
      ? input.visibility
      : "followers";
  const result = await storeRemoteGroupPost(
    s,
    { ...input, visibility, audience },
    async (trx, postId) => {
      if (group) await recordEvent(trx, { type: "groups.post.created", payload: { postId } });
    },
  );
  if (result === "no-parent") return result;
  return result.created ? "stored" : "duplicate";
}

/** The threads of a group (newest first) with their number of replies; hidden ones for moderators only. */
export async function listThreads(
  db: Kysely<Schema>,
  groupActorUri: string,
  options: { includeHidden?: boolean } = {},
) {
  const rows = await db
    .selectFrom("posts")
    .selectAll()
    .where("audience_uri", "=", groupActorUri)
    .where("in_reply_to_id", "is", null)
    .where("in_reply_to_uri", "is", null)
    .where("reblog_of_id", "is", null)
    .where("deleted_at", "is", null)
    .$if(!options.includeHidden, (q) => q.where("hidden_at", "is", null))
    .orderBy("id", "desc")
    .limit(100)
    .execute();
  // replies_count counts direct replies; a thread's page shows every post under it.
  const counts = rows.length
    ? await db
        .selectFrom("posts")
        .select((eb) => ["thread_id", eb.fn.countAll<number>().as("n")])
        .where(
          "thread_id",
          "in",
          rows.map((r) => r.id),
        )
        .whereRef("id", "!=", "thread_id")
        .where("deleted_at", "is", null)
        .groupBy("thread_id")
        .execute()
    : [];
  const replies = new Map(counts.map((c) => [c.thread_id, Number(c.n)]));
  return rows.map((r) => ({ ...r, replies: replies.get(r.id) ?? 0 }));
}

/** A thread's first post and its replies, in order (ids; views come from social/views.ts). */
export async function threadOf(db: Kysely<Schema>, threadId: string) {
  return db
    .selectFrom("posts")
    .selectAll()
    .where("thread_id", "=", threadId)
    .where("audience_uri", "is not", null)
    .where("deleted_at", "is", null)
    .orderBy("id")
    .limit(500)
    .execute();
}

export type DeleteFailure = "forbidden" | "not-found";

/**
 * The author or a moderator of the group deletes a thread or a reply. The row
 * stays as a tombstone (deleted_at, content emptied): its URI answers 410 and
 * the Delete is relayed — announced by the Group to its members when the group
 * is hosted here, or sent by the author to the Group when it is elsewhere.
 * Someone who may not read the group gets not-found, so nothing is revealed.
 */
export async function deleteGroupPost(
  s: SocialContext,
  group: Group | null,
  postId: string,
  by: LocalMember,
): Promise<Result<GroupPost, DeleteFailure>> {
  const byUri = personUri(s.origin, by.username);
  return s.db.transaction().execute(async (trx) => {
    const post = await findPost(trx, postId);
    if (!post || post.deleted_at) return fail("not-found" as const);
    if (group ? post.group_id !== group.id : post.group_id !== null)
      return fail("not-found" as const);
    const author = post.author_uri === byUri;
    if (!author) {
      if (!group) return fail("forbidden" as const);
      if (!(await canRead(trx, s.origin, group, by))) return fail("not-found" as const);
      if (!canModerate((await standingOf(trx, s.origin, group, by)).role))
        return fail("forbidden" as const);
    }
    await tombstone(trx, post.id, s.clock.now().toISOString());
    if (post.in_reply_to_id) await bumpCount(trx, post.in_reply_to_id, "replies_count", -1);
    await recordEvent(trx, {
      type: "groups.post.deleted",
      payload: { postId: post.id, actorUri: byUri },
    });
    if (!author && group)
      await recordModeration(trx, {
        groupId: group.id,
        action: "delete",
        moderatorUri: byUri,
        targetUri: post.uri,
        at: s.clock.now().toISOString(),
      });
    return ok({ ...post, content_html: "", title: "", activity_json: null });
  });
}

/**
 * A moderator hides a thread (after a report, say) or shows it again. A hidden
 * thread is shown to the group's moderators only, marked; the change is written
 * to the group's moderation log with its reason. Hiding is local to this node
 * (no activity: FEP-1b12 and Lemmy have none for it; deleting is what federates).
 */
export async function setThreadHidden(
  s: SocialContext,
  group: Group,
  postId: string,
  by: LocalMember,
  input: { hidden: boolean; reason?: string },
): Promise<Result<null, DeleteFailure | "invalid">> {
  const reason = (input.reason ?? "").trim();
  if (reason.length > 500) return fail("invalid");
  return s.db.transaction().execute(async (trx) => {
    const post = await findPost(trx, postId);
    if (!post || post.group_id !== group.id || post.in_reply_to_id || post.deleted_at)
      return fail("not-found" as const);
    if (!(await canRead(trx, s.origin, group, by))) return fail("not-found" as const);
    if (!canModerate((await standingOf(trx, s.origin, group, by)).role))
      return fail("forbidden" as const);
    if (!!post.hidden_at === input.hidden) return ok(null);
    await trx
      .updateTable("posts")
      .set({ hidden_at: input.hidden ? s.clock.now().toISOString() : null })
      .where("id", "=", post.id)
      .execute();
    await recordModeration(trx, {
      groupId: group.id,
      action: input.hidden ? "hide" : "unhide",
      moderatorUri: personUri(s.origin, by.username),
      targetUri: post.uri,
      reason,
      at: s.clock.now().toISOString(),
    });
    return ok(null);
  });
}
