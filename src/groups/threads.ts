/**
 * Discussions in a group: threads and their replies. Kept in group_posts (the
 * social posts table has no audience or group column to hang them on). A post in
 * a group hosted here is announced by the Group to its members (FEP-1b12); a
 * member's post in a group on another node is sent to that Group, which
 * announces it; posts a remote Group announced to our members are kept too.
 */
import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import { recordEvent } from "../db/outbox.ts";
import type { GroupPostsTable } from "../db/schema/groups.ts";
import type { Schema } from "../db/schema.ts";
import { newId } from "../kernel/ids.ts";
import type { Group } from "./groups.ts";
import { canModerate, type LocalMember, logModeration, standingOf } from "./memberships.ts";
import { groupPostUri, groupUri, personUri } from "./uris.ts";

export type GroupPost = Selectable<GroupPostsTable>;

export const threadSchema = z.object({
  title: z.string().trim().min(1).max(200),
  content: z.string().trim().min(1).max(10_000),
});
export const replySchema = z.object({ content: z.string().trim().min(1).max(10_000) });

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Plain text as the HTML an ActivityStreams Note carries. */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

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

export type PostFailure = "forbidden" | "invalid" | "not-found";

/** A member starts a thread, or replies to a post of the group. */
export async function writeInGroup(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  author: LocalMember,
  input: { title?: string; content: string; inReplyToId?: string },
): Promise<{ ok: true; value: GroupPost } | { ok: false; reason: PostFailure }> {
  const standing = await standingOf(db, origin, group, author);
  if (standing.status !== "active") return { ok: false, reason: "forbidden" };
  const reply = input.inReplyToId !== undefined;
  const parsed = reply ? replySchema.safeParse(input) : threadSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  // Lemmy's postingRestrictedToMods: only moderators start threads; anyone replies.
  if (!reply && group.posting_restricted && !canModerate(standing.role))
    return { ok: false, reason: "forbidden" };
  const parent = reply ? await findPost(db, input.inReplyToId as string) : undefined;
  if (reply && (!parent || parent.group_id !== group.id || parent.deleted_at))
    return { ok: false, reason: "not-found" };
  const id = newId();
  const post: GroupPost = {
    id,
    group_id: group.id,
    group_uri: groupUri(origin, group.name),
    uri: groupPostUri(origin, group.name, id),
    author_uri: personUri(origin, author.username),
    author_account_id: author.id,
    author_remote_id: null,
    in_reply_to_id: parent?.id ?? null,
    thread_id: parent?.thread_id ?? id,
    title: reply ? "" : (input.title ?? "").trim(),
    content_html: textToHtml(parsed.data.content),
    activity_json: null,
    created_at: new Date().toISOString(),
    deleted_at: null,
    hidden_at: null,
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("group_posts").values(post).execute();
    await recordEvent(trx, { type: "groups.post.created", payload: { postId: id } });
  });
  return { ok: true, value: post };
}

/** A member writes in a group hosted elsewhere (they follow it): sent to the Group. */
export async function writeInRemoteGroup(
  db: Kysely<Schema>,
  origin: string,
  groupActorUri: string,
  author: LocalMember,
  input: { title?: string; content: string; inReplyToId?: string },
): Promise<{ ok: true; value: GroupPost } | { ok: false; reason: PostFailure }> {
  const follows = await db
    .selectFrom("follows")
    .select("id")
    .where("follower_uri", "=", personUri(origin, author.username))
    .where("followee_uri", "=", groupActorUri)
    .where("status", "=", "accepted")
    .executeTakeFirst();
  if (!follows) return { ok: false, reason: "forbidden" };
  const reply = input.inReplyToId !== undefined;
  const parsed = reply ? replySchema.safeParse(input) : threadSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const parent = reply ? await findPost(db, input.inReplyToId as string) : undefined;
  if (reply && (parent?.group_uri !== groupActorUri || parent.deleted_at))
    return { ok: false, reason: "not-found" };
  const id = newId();
  const post: GroupPost = {
    id,
    group_id: null,
    group_uri: groupActorUri,
    uri: `${origin}/group-posts/${id}`,
    author_uri: personUri(origin, author.username),
    author_account_id: author.id,
    author_remote_id: null,
    in_reply_to_id: parent?.id ?? null,
    thread_id: parent?.thread_id ?? id,
    title: reply ? "" : (input.title ?? "").trim(),
    content_html: textToHtml(parsed.data.content),
    activity_json: null,
    created_at: new Date().toISOString(),
    deleted_at: null,
    hidden_at: null,
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("group_posts").values(post).execute();
    await recordEvent(trx, { type: "groups.post.sent", payload: { postId: id } });
  });
  return { ok: true, value: post };
}

export function findPost(db: Kysely<Schema>, id: string) {
  return db.selectFrom("group_posts").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findPostByUri(db: Kysely<Schema>, uri: string) {
  return db.selectFrom("group_posts").selectAll().where("uri", "=", uri).executeTakeFirst();
}

/**
 * A post from elsewhere, addressed to a group hosted here (Create) or announced
 * to our members by a remote Group (Announce). Stored once per URI; when the
 * group is hosted here, an event has the Group announce it to its members.
 */
export async function receiveGroupPost(
  db: Kysely<Schema>,
  input: {
    group: Group | null;
    groupUri: string;
    uri: string;
    authorUri: string;
    authorRemoteId: string | null;
    inReplyToUri: string | null;
    title: string;
    contentHtml: string;
    activityJson: string | null;
  },
): Promise<"stored" | "duplicate" | "no-parent"> {
  return db.transaction().execute(async (trx) => {
    if (await findPostByUri(trx, input.uri)) return "duplicate" as const;
    const parent = input.inReplyToUri ? await findPostByUri(trx, input.inReplyToUri) : undefined;
    if (input.inReplyToUri && parent?.group_uri !== input.groupUri) return "no-parent" as const;
    const id = newId();
    await trx
      .insertInto("group_posts")
      .values({
        id,
        group_id: input.group?.id ?? null,
        group_uri: input.groupUri,
        uri: input.uri,
        author_uri: input.authorUri,
        author_account_id: null,
        author_remote_id: input.authorRemoteId,
        in_reply_to_id: parent?.id ?? null,
        thread_id: parent?.thread_id ?? id,
        title: parent ? "" : input.title.slice(0, 200),
        content_html: input.contentHtml,
        activity_json: input.activityJson,
        created_at: new Date().toISOString(),
        deleted_at: null,
      })
      .execute();
    if (input.group)
      await recordEvent(trx, { type: "groups.post.created", payload: { postId: id } });
    return "stored" as const;
  });
}

/** The threads of a group (newest first) with their number of replies; hidden ones for moderators only. */
export async function listThreads(
  db: Kysely<Schema>,
  groupActorUri: string,
  options: { includeHidden?: boolean } = {},
) {
  const rows = await db
    .selectFrom("group_posts")
    .selectAll()
    .select((eb) =>
      eb
        .selectFrom("group_posts as r")
        .select(eb.fn.countAll<number>().as("n"))
        .whereRef("r.thread_id", "=", "group_posts.id")
        .whereRef("r.id", "!=", "group_posts.id")
        .where("r.deleted_at", "is", null)
        .as("replies"),
    )
    .where("group_uri", "=", groupActorUri)
    .where("in_reply_to_id", "is", null)
    .where("deleted_at", "is", null)
    .$if(!options.includeHidden, (q) => q.where("hidden_at", "is", null))
    .orderBy("id", "desc")
    .limit(100)
    .execute();
  return rows.map((r) => ({ ...r, replies: Number(r.replies ?? 0) }));
}

/** A thread's first post and its replies, in order. */
export async function threadOf(db: Kysely<Schema>, threadId: string) {
  return db
    .selectFrom("group_posts")
    .selectAll()
    .where("thread_id", "=", threadId)
    .where("deleted_at", "is", null)
    .orderBy("id")
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
  db: Kysely<Schema>,
  origin: string,
  group: Group | null,
  postId: string,
  by: LocalMember,
): Promise<{ ok: true; value: GroupPost } | { ok: false; reason: DeleteFailure }> {
  const post = await findPost(db, postId);
  if (!post || post.deleted_at) return { ok: false, reason: "not-found" };
  if (group ? post.group_id !== group.id : post.group_id !== null)
    return { ok: false, reason: "not-found" };
  const byUri = personUri(origin, by.username);
  const author = post.author_uri === byUri;
  if (!author) {
    if (!group) return { ok: false, reason: "forbidden" };
    if (!(await canRead(db, origin, group, by))) return { ok: false, reason: "not-found" };
    if (!canModerate((await standingOf(db, origin, group, by)).role))
      return { ok: false, reason: "forbidden" };
  }
  const deleted = await db.transaction().execute(async (trx) => {
    const at = new Date().toISOString();
    const result = await trx
      .updateTable("group_posts")
      .set({ deleted_at: at, content_html: "", title: "", activity_json: null })
      .where("id", "=", post.id)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return null;
    await recordEvent(trx, {
      type: "groups.post.deleted",
      payload: { postId: post.id, actorUri: byUri },
    });
    if (!author && group) await logModeration(trx, group.id, "delete", byUri, post.uri);
    return { ...post, deleted_at: at, content_html: "", title: "", activity_json: null };
  });
  return deleted ? { ok: true, value: deleted } : { ok: false, reason: "not-found" };
}

/**
 * A Delete from elsewhere, of a post kept here: honoured when its actor wrote
 * the post, or is the Group it was posted in (which speaks for its moderators).
 * A post of a group hosted here is then announced as deleted to its members.
 */
export async function receiveGroupPostDelete(
  db: Kysely<Schema>,
  input: { uri: string; actorUri: string },
): Promise<"deleted" | "unknown" | "forbidden"> {
  return db.transaction().execute(async (trx) => {
    const post = await findPostByUri(trx, input.uri);
    if (!post || post.deleted_at) return "unknown" as const;
    if (post.author_uri !== input.actorUri && post.group_uri !== input.actorUri)
      return "forbidden" as const;
    await trx
      .updateTable("group_posts")
      .set({
        deleted_at: new Date().toISOString(),
        content_html: "",
        title: "",
        activity_json: null,
      })
      .where("id", "=", post.id)
      .execute();
    if (post.group_id)
      await recordEvent(trx, {
        type: "groups.post.deleted",
        payload: { postId: post.id, actorUri: input.actorUri },
      });
    return "deleted" as const;
  });
}

/**
 * A moderator hides a thread (after a report, say) or shows it again. A hidden
 * thread is shown to the group's moderators only, marked; the change is written
 * to the group's moderation log with its reason. Hiding is local to this node
 * (no activity: FEP-1b12 and Lemmy have none for it; deleting is what federates).
 */
export async function setThreadHidden(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  postId: string,
  by: LocalMember,
  input: { hidden: boolean; reason?: string },
): Promise<{ ok: true } | { ok: false; reason: DeleteFailure | "invalid" }> {
  const post = await findPost(db, postId);
  if (!post || post.group_id !== group.id || post.in_reply_to_id || post.deleted_at)
    return { ok: false, reason: "not-found" };
  if (!(await canRead(db, origin, group, by))) return { ok: false, reason: "not-found" };
  if (!canModerate((await standingOf(db, origin, group, by)).role))
    return { ok: false, reason: "forbidden" };
  const reason = (input.reason ?? "").trim();
  if (reason.length > 500) return { ok: false, reason: "invalid" };
  if (!!post.hidden_at === input.hidden) return { ok: true };
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("group_posts")
      .set({ hidden_at: input.hidden ? new Date().toISOString() : null })
      .where("id", "=", post.id)
      .execute();
    await logModeration(
      trx,
      group.id,
      input.hidden ? "hide" : "unhide",
      personUri(origin, by.username),
      post.uri,
      reason,
    );
  });
  return { ok: true };
}
