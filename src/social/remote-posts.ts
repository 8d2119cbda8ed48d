/**
 * Posts that arrive from other servers (boosts and likes: remote-interactions.ts),
 * already parsed by the federation layer into plain data. HTML is sanitized here, on arrival. Only an
 * object's own author may change or delete it (the federation layer has checked
 * that the activity's signer is its actor; here the actor must be the author).
 */

import type { Kysely } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { PostKind, Visibility } from "../db/schema/social.ts";
import type { Schema } from "../db/schema.ts";
import { newId } from "../kernel/ids.ts";
import { httpUrlOrNull } from "../kernel/safe-url.ts";
import { registerRemoteMedia } from "../storage/remote-media.ts";
import { sanitizeRemoteHtml } from "./content.ts";
import type { SocialContext } from "./context.ts";
import { bumpCount } from "./counters.ts";
import { editTime } from "./edit-time.ts";
import { keepVersionIfChanged } from "./edits.ts";
import { fanOut } from "./fanout.ts";
import { notifyBoosters } from "./notifications.ts";
import { type PollOption, receivePollUpdate } from "./polls.ts";
import { notifyLocal } from "./posts.ts";
import { tombstone } from "./tombstone.ts";

export interface RemotePostInput {
  uri: string;
  url: string | null;
  authorUri: string;
  authorRemoteId: string;
  visibility: Visibility;
  inReplyToUri: string | null;
  contentHtml: string;
  spoiler: string;
  sensitive: boolean;
  language: string | null;
  createdAt: string;
  editedAt: string | null;
  /** Actor URIs of those mentioned (ours among them become notifications). */
  mentions: { uri: string; handle: string }[];
  tags: string[];
  media: {
    url: string;
    mediaType: string;
    description: string;
    width: number | null;
    height: number | null;
  }[];
  poll: {
    options: PollOption[];
    multiple: boolean;
    expiresAt: string | null;
    closedAt: string | null;
    votersCount: number | null;
  } | null;
  /** An Article's summary (its standfirst; a Note's summary is its content warning, `spoiler`). */
  summary?: string;
  /** "note" unless said: a Page (a group's thread) or an Article. */
  kind?: PostKind;
  title?: string;
  /** Set by groups/threads.ts for a post in a Group (FEP-1b12). */
  audience?: RemoteAudience | null;
}

export interface RemoteAudience {
  /** The Group's actor URI. */
  uri: string;
  /** The group, when it is hosted here. */
  groupId: string | null;
  /** The Create as received, for a group hosted here to announce unchanged. */
  activityJson: string | null;
}

/** Written in the post's transaction once it is stored (a group records its event). */
export type AfterStore = (trx: Kysely<Schema>, postId: string) => Promise<void>;

/** Our members among the mentioned actor URIs. */
async function localMentions(db: Kysely<Schema>, s: SocialContext, uris: string[]) {
  const prefix = `${s.origin}/users/`;
  const names = uris.filter((u) => u.startsWith(prefix)).map((u) => u.slice(prefix.length));
  if (names.length === 0) return [];
  return db
    .selectFrom("accounts")
    .select(["id", "username"])
    .where("username", "in", names)
    .where("status", "=", "active")
    .execute();
}

async function writeDetails(
  trx: Kysely<Schema>,
  s: SocialContext,
  postId: string,
  input: RemotePostInput,
) {
  await trx.deleteFrom("post_mentions").where("post_id", "=", postId).execute();
  await trx.deleteFrom("post_tags").where("post_id", "=", postId).execute();
  await trx.deleteFrom("post_media").where("post_id", "=", postId).execute();
  const locals = await localMentions(
    trx,
    s,
    input.mentions.map((m) => m.uri),
  );
  const seen = new Set<string>();
  for (const m of input.mentions) {
    // A mention's URI is given to apps as its url: http(s) only, like every remote URL.
    if (seen.has(m.uri) || !httpUrlOrNull(m.uri)) continue;
    seen.add(m.uri);
    const account = locals.find((a) => `${s.origin}/users/${a.username}` === m.uri);
    await trx
      .insertInto("post_mentions")
      .values({
        post_id: postId,
        actor_uri: m.uri,
        account_id: account?.id ?? null,
        remote_id: null,
        handle: m.handle,
      })
      .execute();
  }
  for (const tag of new Set(
    input.tags
      .map((t) => t.replace(/^#/, "").toLowerCase())
      .filter((t) => /^[\p{L}\p{N}_]{1,100}$/u.test(t)),
  ))
    await trx.insertInto("post_tags").values({ post_id: postId, tag }).execute();
  // Images are shown and linked: only http(s) URLs are kept (issue 14).
  const media = input.media.flatMap((m) => {
    const url = httpUrlOrNull(m.url);
    return url ? [{ ...m, url }] : [];
  });
  for (const [position, m] of media.slice(0, 4).entries())
    await trx
      .insertInto("post_media")
      .values({
        id: newId(),
        post_id: postId,
        position,
        upload_id: null,
        remote_url: m.url,
        media_type: m.mediaType,
        description: m.description.slice(0, 1500),
        width: m.width,
        height: m.height,
      })
      .execute();
  // Remembered so the media cache may fetch them (storage/remote-media.ts).
  await registerRemoteMedia(
    trx,
    media.slice(0, 4).map((m) => m.url),
    s.clock,
  );
  return locals;
}

/** Stores a post that arrived (Create) or was fetched; a known URI is left as it is. */
export async function storeRemotePost(
  s: SocialContext,
  input: RemotePostInput,
): Promise<{ id: string; created: boolean }> {
  const stored = await store(s, { ...input, audience: null });
  if (stored === "no-parent") throw new Error("unreachable: only a group post needs its parent");
  return stored;
}

/**
 * Stores a post written in a group. It must answer a post of the same group (else
 * "no-parent": a group's thread is never grafted onto a stranger's), and stays out
 * of home feeds; afterStore runs in its transaction.
 */
export function storeRemoteGroupPost(
  s: SocialContext,
  input: RemotePostInput & { audience: RemoteAudience },
  afterStore: AfterStore,
): Promise<{ id: string; created: boolean } | "no-parent"> {
  return store(s, input, afterStore);
}

async function store(
  s: SocialContext,
  input: RemotePostInput,
  afterStore?: AfterStore,
): Promise<{ id: string; created: boolean } | "no-parent"> {
  return s.db.transaction().execute(async (trx) => {
    const known = await trx
      .selectFrom("posts")
      .select("id")
      .where("uri", "=", input.uri)
      .executeTakeFirst();
    if (known) return { id: known.id, created: false };
    const parent = input.inReplyToUri
      ? await trx
          .selectFrom("posts")
          .select(["id", "thread_id", "author_account_id", "audience_uri"])
          .where("uri", "=", input.inReplyToUri)
          .where("deleted_at", "is", null)
          .executeTakeFirst()
      : undefined;
    const audience = input.audience ?? null;
    if (audience && input.inReplyToUri && parent?.audience_uri !== audience.uri)
      return "no-parent" as const;
    const id = newId();
    await trx
      .insertInto("posts")
      .values({
        id,
        uri: input.uri,
        url: httpUrlOrNull(input.url),
        author_uri: input.authorUri,
        author_account_id: null,
        author_remote_id: input.authorRemoteId,
        local: 0,
        visibility: input.visibility,
        in_reply_to_id: parent?.id ?? null,
        in_reply_to_uri: input.inReplyToUri,
        thread_id: parent?.thread_id ?? id,
        reblog_of_id: null,
        content_html: sanitizeRemoteHtml(input.contentHtml),
        spoiler: input.spoiler.slice(0, 1000),
        sensitive: input.sensitive ? 1 : 0,
        language: input.language,
        has_poll: input.poll ? 1 : 0,
        created_at: input.createdAt,
        edited_at: input.editedAt,
        deleted_at: null,
        kind: input.kind ?? "note",
        title: (input.title ?? "").slice(0, 200),
        summary: (input.summary ?? "").slice(0, 1000),
        audience_uri: audience?.uri ?? null,
        group_id: audience?.groupId ?? null,
        activity_json: audience?.activityJson ?? null,
      })
      .execute();
    const locals = await writeDetails(trx, s, id, input);
    if (input.poll)
      await trx
        .insertInto("polls")
        .values({
          post_id: id,
          multiple: input.poll.multiple ? 1 : 0,
          options: JSON.stringify(input.poll.options),
          voters_count: input.poll.votersCount ?? 0,
          expires_at: input.poll.expiresAt,
          closed_at: input.poll.closedAt,
        })
        .execute();
    if (parent) await bumpCount(trx, parent.id, "replies_count", 1);
    await notifyLocal(trx, {
      id,
      authorUri: input.authorUri,
      authorAccountId: null,
      authorRemoteId: input.authorRemoteId,
      parentAuthorId: parent?.author_account_id ?? null,
      mentions: locals.map((a) => ({ accountId: a.id })),
    });
    if (!audience)
      await fanOut(trx, {
        id,
        authorUri: input.authorUri,
        authorAccountId: null,
        visibility: input.visibility,
        mentionedAccountIds: locals.map((a) => a.id),
      });
    // Replies that arrived before this post find their parent now.
    await trx
      .updateTable("posts")
      .set({ in_reply_to_id: id })
      .where("in_reply_to_uri", "=", input.uri)
      .where("in_reply_to_id", "is", null)
      .execute();
    await afterStore?.(trx, id);
    return { id, created: true };
  });
}

/**
 * Update(Note/Question/Page) from its author: new content, tags, media, poll
 * counts. A post of a group hosted here is then announced as edited by the Group
 * (groups.post.updated, with the Update as received: `activityJson`).
 */
export async function updateRemotePost(
  s: SocialContext,
  input: RemotePostInput,
  received: { activityJson?: string } = {},
): Promise<boolean> {
  const post = await s.db
    .selectFrom("posts")
    .select(["id", "author_uri", "author_remote_id", "deleted_at", "group_id", "edited_at"])
    .where("uri", "=", input.uri)
    .executeTakeFirst();
  if (!post || post.author_uri !== input.authorUri || post.deleted_at) return false;
  await s.db.transaction().execute(async (trx) => {
    if (post.group_id && received.activityJson)
      await recordEvent(trx, {
        type: "groups.post.updated",
        payload: { postId: post.id, activityJson: received.activityJson },
      });
    const edited = await keepVersionIfChanged(trx, post.id, async () => {
      await trx
        .updateTable("posts")
        .set({
          content_html: sanitizeRemoteHtml(input.contentHtml),
          spoiler: input.spoiler.slice(0, 1000),
          sensitive: input.sensitive ? 1 : 0,
          // A thread's title (AS `name`) may be edited too.
          ...(input.title ? { title: input.title.slice(0, 200) } : {}),
          // An Article's summary (parse.ts gives it only for Articles).
          ...(input.summary !== undefined ? { summary: input.summary.slice(0, 1000) } : {}),
        })
        .where("id", "=", post.id)
        .execute();
      await writeDetails(trx, s, post.id, input);
    });
    // Only a change a reader sees marks the post edited: an Update(Question) that only
    // recounts a poll's votes does not (issue 23).
    if (edited) {
      await trx
        .updateTable("posts")
        .set({
          edited_at: editTime(
            post.edited_at,
            input.editedAt ?? s.clock.now().toISOString(),
            s.clock.now(),
          ),
        })
        .where("id", "=", post.id)
        .execute();
      await notifyBoosters(
        trx,
        {
          id: post.id,
          authorUri: post.author_uri,
          authorAccountId: null,
          authorRemoteId: post.author_remote_id,
        },
        s.clock,
      );
    }
  });
  if (input.poll)
    await receivePollUpdate(s.db, post.id, {
      options: input.poll.options,
      votersCount: input.poll.votersCount,
      closedAt: input.poll.closedAt,
      expiresAt: input.poll.expiresAt,
    });
  return true;
}

/**
 * Delete(Tombstone or Note) of a post we keep: honoured from its author, or from
 * the Group elsewhere it was written in (which speaks for its moderators; a Group
 * announcing another's Delete is checked by the caller to be the post's). The one
 * Delete for every post: a post of a group hosted here is then announced as
 * deleted by the Group (groups.post.deleted).
 */
export async function deleteRemotePost(
  s: Pick<SocialContext, "db" | "clock">,
  uri: string,
  actorUri: string,
): Promise<boolean> {
  return s.db.transaction().execute(async (trx) => {
    const post = await trx
      .selectFrom("posts")
      .select(["id", "author_uri", "in_reply_to_id", "deleted_at", "audience_uri", "group_id"])
      .where("uri", "=", uri)
      .executeTakeFirst();
    if (!post || post.deleted_at) return false;
    const byGroup = post.audience_uri === actorUri && post.group_id === null;
    if (post.author_uri !== actorUri && !byGroup) return false;
    await tombstone(trx, post.id, s.clock.now().toISOString());
    if (post.in_reply_to_id) await bumpCount(trx, post.in_reply_to_id, "replies_count", -1);
    if (post.group_id)
      await recordEvent(trx, {
        type: "groups.post.deleted",
        payload: { postId: post.id, actorUri },
      });
    return true;
  });
}
