/**
 * Members' posts: write, edit, delete. Each change is written with its outbox
 * event (social.post.created / .updated / .deleted) in one transaction; the
 * federation relay turns them into Create / Update / Delete(Tombstone).
 *
 * A post in a group is the same post with an audience (the Group): groups/threads.ts
 * checks the member's standing and calls `writePost` inside its own transaction,
 * recording the group's event instead. Group posts stay out of home feeds; their
 * replies stay in their group.
 */
import type { Kysely, Transaction } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { PostKind, Visibility } from "../db/schema/social.ts";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { threadLocked } from "../media/locks.ts";
import {
  attachMedia,
  changeAttachments,
  type MediaChange,
  type MediaInput,
  replaceAttachments,
} from "./attachments.ts";
import { MAX_POST_LENGTH, MAX_SPOILER_LENGTH, parseHashtags, renderText } from "./content.ts";
import { type Member, memberUri, postUri, postUrl, type SocialContext, tagUrl } from "./context.ts";
import { bumpCount } from "./counters.ts";
import { editTime } from "./edit-time.ts";
import { keepVersion } from "./edits.ts";
import { fanOut } from "./fanout.ts";
import { type CreatePostOptions, writeOnce } from "./idempotency.ts";
import { notify, notifyBoosters } from "./notifications.ts";
import { insertPoll, type NewPoll, validatePoll } from "./polls.ts";
import { tombstone } from "./tombstone.ts";
import { audienceColumns, canSee } from "./visibility.ts";

export type { MediaChange, MediaInput };

export const visibilities = ["public", "unlisted", "followers", "direct"] as const;
export const MAX_MEDIA = 4;

/** A mention the web layer resolved to an actor (members here, or looked up remotely). */
export interface MentionTarget {
  /** As written: "@user" or "@user@host". */
  text: string;
  uri: string;
  url: string;
  accountId: string | null;
  remoteId: string | null;
}

export interface PostInput {
  text: string;
  spoiler: string;
  visibility: Visibility;
  language: string | null;
  sensitive: boolean;
  inReplyToId: string | null;
  mentions: MentionTarget[];
  media: MediaInput[];
  poll: NewPoll | null;
  /** "note" unless said (a group's thread is a "page"). */
  kind?: PostKind;
  /** A page's or an article's title. */
  title?: string;
  /** The Group a post is written in (set by groups/threads.ts, never from a form). */
  audience?: PostAudienceTarget | null;
}

export interface PostAudienceTarget {
  /** The Group's actor URI. */
  uri: string;
  /** The group, when it is hosted here. */
  groupId: string | null;
}

export const MAX_TITLE_LENGTH = 200;

/** A post of plain text: no content warning, mentions, images or poll. */
export const textPost = (text: string): Omit<PostInput, "visibility"> => ({
  text,
  spoiler: "",
  sensitive: false,
  language: null,
  inReplyToId: null,
  mentions: [],
  media: [],
  poll: null,
});

export type PostProblem =
  | "empty"
  | "too-long"
  | "spoiler-too-long"
  | "reply-not-found"
  | "replies-locked"
  | "too-many-media"
  | "media-not-found"
  | "poll-invalid"
  | "title-too-long";

function check(input: PostInput): PostProblem | null {
  if (!input.text.trim() && input.media.length === 0) return "empty";
  if (input.text.length > MAX_POST_LENGTH) return "too-long";
  if (input.spoiler.length > MAX_SPOILER_LENGTH) return "spoiler-too-long";
  if (input.media.length > MAX_MEDIA) return "too-many-media";
  if (input.poll && (input.media.length > 0 || !validatePoll(input.poll))) return "poll-invalid";
  if ((input.title ?? "").length > MAX_TITLE_LENGTH) return "title-too-long";
  return null;
}

async function writeMentionsAndTags(
  trx: Kysely<Schema>,
  s: SocialContext,
  postId: string,
  input: Pick<PostInput, "text" | "mentions">,
): Promise<{ html: string }> {
  const html = renderText(input.text, {
    mentions: input.mentions,
    tagUrl: (tag) => tagUrl(s.origin, tag),
  });
  // Mentions an edit removes stay, silent, so those actors still hear of edits and deletion.
  await trx.updateTable("post_mentions").set({ silent: 1 }).where("post_id", "=", postId).execute();
  await trx.deleteFrom("post_tags").where("post_id", "=", postId).execute();
  const seen = new Set<string>();
  for (const m of input.mentions) {
    if (seen.has(m.uri)) continue;
    seen.add(m.uri);
    await trx
      .deleteFrom("post_mentions")
      .where("post_id", "=", postId)
      .where("actor_uri", "=", m.uri)
      .execute();
    await trx
      .insertInto("post_mentions")
      .values({
        post_id: postId,
        actor_uri: m.uri,
        account_id: m.accountId,
        remote_id: m.remoteId,
        handle: m.text,
      })
      .execute();
  }
  for (const tag of parseHashtags(input.text))
    await trx.insertInto("post_tags").values({ post_id: postId, tag }).execute();
  return { html };
}

/** Writes a member's post; a reply must be to a post the member can see. */
export async function createPost(
  s: SocialContext,
  author: Member,
  input: PostInput,
  options: CreatePostOptions = {},
): Promise<Result<{ id: string }, PostProblem>> {
  return writeOnce(s, author.id, options, async (trx) => {
    const written = await writePost(trx, s, author, { ...input, audience: null });
    if (written.ok)
      await recordEvent(trx, {
        type: "social.post.created",
        payload: { postId: written.value.id },
      });
    return written;
  });
}

/**
 * Writes a post in the caller's transaction, without its outbox event: the
 * caller records the one its area relays (social.post.created, groups.post.created…).
 * A reply stays in its parent's audience: a group's reply in the group, a
 * timeline reply out of groups.
 */
export async function writePost(
  trx: Kysely<Schema>,
  s: SocialContext,
  author: Member,
  input: PostInput,
): Promise<Result<{ id: string }, PostProblem>> {
  const problem = check(input);
  if (problem) return fail(problem);
  const authorUri = memberUri(s.origin, author.username);
  const audience = input.audience ?? null;
  let parent:
    | { id: string; uri: string; thread_id: string; author_account_id: string | null }
    | undefined;
  if (input.inReplyToId) {
    const row = await trx
      .selectFrom("posts")
      .select(["id", "uri", "thread_id", "author_account_id", ...audienceColumns])
      .where("id", "=", input.inReplyToId)
      .executeTakeFirst();
    if (!row || !(await canSee(trx, { id: author.id, uri: authorUri }, row)))
      return fail("reply-not-found" as const);
    if (row.audience_uri !== (audience?.uri ?? null)) return fail("reply-not-found" as const);
    // An article whose editors closed its comments (media/comments.ts).
    if (await threadLocked(trx, row.thread_id)) return fail("replies-locked" as const);
    parent = row;
  }
  if (input.media.length > 0) {
    const owned = await trx
      .selectFrom("uploads")
      .select("id")
      .where("owner_id", "=", author.id)
      .where("purpose", "=", "attachment")
      .where(
        "id",
        "in",
        input.media.map((m) => m.uploadId),
      )
      .execute();
    if (owned.length !== new Set(input.media.map((m) => m.uploadId)).size)
      return fail("media-not-found" as const);
  }
  const id = newId();
  const now = s.clock.now().toISOString();
  await trx
    .insertInto("posts")
    .values({
      id,
      uri: postUri(s.origin, id),
      url: postUrl(s.origin, author.username, id),
      author_uri: authorUri,
      author_account_id: author.id,
      author_remote_id: null,
      local: 1,
      visibility: input.visibility,
      in_reply_to_id: parent?.id ?? null,
      in_reply_to_uri: parent?.uri ?? null,
      thread_id: parent?.thread_id ?? id,
      reblog_of_id: null,
      source: input.text,
      spoiler: input.spoiler.trim(),
      sensitive: input.sensitive || input.spoiler.trim() !== "" ? 1 : 0,
      language: input.language,
      has_poll: input.poll ? 1 : 0,
      created_at: now,
      edited_at: null,
      deleted_at: null,
      kind: input.kind ?? "note",
      title: (input.title ?? "").trim(),
      audience_uri: audience?.uri ?? null,
      group_id: audience?.groupId ?? null,
    })
    .execute();
  const { html } = await writeMentionsAndTags(trx, s, id, input);
  await trx.updateTable("posts").set({ content_html: html }).where("id", "=", id).execute();
  await attachMedia(trx, id, input.media);
  if (input.poll) await insertPoll(trx, id, input.poll);
  if (parent) {
    await bumpCount(trx, parent.id, "replies_count", 1);
  }
  await notifyLocal(trx, {
    id,
    authorUri,
    authorAccountId: author.id,
    parentAuthorId: parent?.author_account_id ?? null,
    mentions: input.mentions,
  });
  if (!audience)
    await fanOut(trx, {
      id,
      authorUri,
      authorAccountId: author.id,
      visibility: input.visibility,
      mentionedAccountIds: input.mentions.flatMap((m) => (m.accountId ? [m.accountId] : [])),
    });
  return ok({ id });
}

/** Reply and mention notifications for the members a new post concerns. */
export async function notifyLocal(
  trx: Kysely<Schema>,
  p: {
    id: string;
    authorUri: string;
    authorAccountId: string | null;
    authorRemoteId?: string | null;
    parentAuthorId: string | null;
    mentions: { accountId: string | null }[];
  },
): Promise<void> {
  const from = {
    fromUri: p.authorUri,
    fromAccountId: p.authorAccountId,
    fromRemoteId: p.authorRemoteId ?? null,
    postId: p.id,
  };
  if (p.parentAuthorId) await notify(trx, { accountId: p.parentAuthorId, type: "reply", ...from });
  for (const m of p.mentions) {
    if (m.accountId && m.accountId !== p.parentAuthorId)
      await notify(trx, { accountId: m.accountId, type: "mention", ...from });
  }
}

async function ownPost(trx: Transaction<Schema>, accountId: string, postId: string) {
  return trx
    .selectFrom("posts")
    .selectAll()
    .where("id", "=", postId)
    .where("author_account_id", "=", accountId)
    .where("deleted_at", "is", null)
    .where("reblog_of_id", "is", null)
    .executeTakeFirst();
}

export interface EditInput extends Pick<PostInput, "text" | "spoiler" | "sensitive" | "mentions"> {
  /** The attachments after the edit, replacing the post's; undefined keeps them. */
  media?: MediaInput[] | undefined;
  /** Alt text and focal points of attachments, by upload id (Mastodon's media_attributes). */
  mediaChanges?: MediaChange[] | undefined;
}

/**
 * Edits a member's own post (Update): text, content warning, sensitivity, and its
 * attachments (replaced, or their alt text and focal points changed). The version
 * it replaces, attachments included, goes to the edit history first.
 */
export async function editPost(
  s: SocialContext,
  author: Member,
  postId: string,
  input: EditInput,
): Promise<Result<{ id: string }, PostProblem | "not-found">> {
  if (input.text.length > MAX_POST_LENGTH) return fail("too-long");
  if (input.spoiler.length > MAX_SPOILER_LENGTH) return fail("spoiler-too-long");
  if (input.media && input.media.length > MAX_MEDIA) return fail("too-many-media");
  return s.db.transaction().execute(async (trx) => {
    const post = await ownPost(trx, author.id, postId);
    // An article is edited as Markdown through media/articles.ts, which re-renders it;
    // a plain-text edit here would overwrite its HTML and part it from its draft.
    if (!post || post.kind === "article") return fail("not-found" as const);
    if (input.media?.length && post.has_poll) return fail("poll-invalid" as const);
    const hasMedia = input.media
      ? input.media.length > 0
      : !!(await trx
          .selectFrom("post_media")
          .select("id")
          .where("post_id", "=", postId)
          .executeTakeFirst());
    if (!input.text.trim() && !hasMedia) return fail("empty" as const);
    await keepVersion(trx, postId);
    if (input.media) await replaceAttachments(trx, postId, input.media);
    await changeAttachments(trx, postId, input.mediaChanges ?? []);
    const { html } = await writeMentionsAndTags(trx, s, postId, input);
    await trx
      .updateTable("posts")
      .set({
        source: input.text,
        content_html: html,
        spoiler: input.spoiler.trim(),
        sensitive: input.sensitive || input.spoiler.trim() !== "" ? 1 : 0,
        edited_at: editTime(post.edited_at, s.clock.now().toISOString(), s.clock.now()),
      })
      .where("id", "=", postId)
      .execute();
    await recordEvent(trx, { type: "social.post.updated", payload: { postId } });
    await notifyBoosters(
      trx,
      {
        id: postId,
        authorUri: memberUri(s.origin, author.username),
        authorAccountId: author.id,
        authorRemoteId: null,
      },
      s.clock,
    );
    return ok({ id: postId });
  });
}

/**
 * Deletes a post: its row stays as a tombstone (content gone, deleted_at set) so
 * its URI answers 410 and the relay can still address the Delete to those who
 * had it; boosts of it, feed entries, bookmarks and likes go at once.
 */
export async function deletePost(
  s: SocialContext,
  actor: { id: string; moderator?: boolean },
  postId: string,
): Promise<boolean> {
  return s.db.transaction().execute(async (trx) => {
    const post = actor.moderator
      ? await trx
          .selectFrom("posts")
          .selectAll()
          .where("id", "=", postId)
          .where("deleted_at", "is", null)
          .executeTakeFirst()
      : await ownPost(trx, actor.id, postId);
    if (!post) return false;
    await tombstone(trx, post.id, s.clock.now().toISOString());
    if (post.in_reply_to_id) await bumpCount(trx, post.in_reply_to_id, "replies_count", -1);
    // A group post's deletion is the group's to relay (the Group announces it, or is told).
    if (post.audience_uri && (post.local || post.group_id))
      await recordEvent(trx, {
        type: "groups.post.deleted",
        payload: { postId, actorUri: await deleterUri(trx, s, actor.id, post) },
      });
    else if (post.local && !post.audience_uri)
      await recordEvent(trx, { type: "social.post.deleted", payload: { postId } });
    return true;
  });
}

/** Who deleted a post, as an actor URI: its author, or the moderator who did. */
async function deleterUri(
  trx: Kysely<Schema>,
  s: SocialContext,
  accountId: string,
  post: { author_account_id: string | null; author_uri: string },
): Promise<string> {
  if (post.author_account_id === accountId) return post.author_uri;
  const account = await trx
    .selectFrom("accounts")
    .select("username")
    .where("id", "=", accountId)
    .executeTakeFirstOrThrow();
  return memberUri(s.origin, account.username);
}
