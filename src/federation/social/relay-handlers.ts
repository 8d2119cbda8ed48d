/**
 * Outbox events of the social capability turned into activities (relay.ts calls
 * these by event type). Activity ids are stable per event (or per object), so a
 * re-relayed event is dropped by receiving inboxes as a repeat.
 */
import type { Context } from "@fedify/fedify";
import {
  Add,
  Create,
  Delete,
  Flag,
  Note,
  PUBLIC_COLLECTION,
  Remove,
  Tombstone,
  Undo,
  Update,
} from "@fedify/vocab";
import type { OutboxEventRow } from "../../db/outbox.ts";
import type { socialEvents } from "../../social/events.ts";
import { parseOptions } from "../../social/polls.ts";
import { recipientOf, sendToInboxes } from "../audience.ts";
import type { FederationDeps } from "../deps.ts";
import { COOP } from "../deps.ts";
import type { EventHandlers } from "../extensions.ts";
import { sendGroupPostActivity } from "../groups/post-activities.ts";
import { findRemoteActor, type RemoteActor } from "../remote-actors.ts";
import {
  boostAnnounce,
  likeActivity,
  sendBlock,
  sendBoostAudience,
} from "./interaction-activities.ts";
import {
  addressing,
  createOf,
  instant,
  type LocalPost,
  loadLocalPost,
  postObject,
} from "./notes.ts";
import { countsRequested } from "./person-refresh.ts";

type Event = OutboxEventRow;

const activityId = (deps: FederationDeps, event: Event) =>
  new URL(`/activities/${event.id}`, deps.config.origin);

async function sendFeaturedChange(
  ctx: Context<void>,
  deps: FederationDeps,
  event: Event,
  { accountId, postId }: { accountId: string; postId: string },
  Kind: typeof Add | typeof Remove,
): Promise<void> {
  const row = await deps.db.db
    .selectFrom("posts")
    .innerJoin("accounts", "accounts.id", "posts.author_account_id")
    .select(["posts.uri", "posts.visibility", "accounts.username"])
    .where("posts.id", "=", postId)
    .where("posts.author_account_id", "=", accountId)
    .executeTakeFirst();
  if (!row || (row.visibility !== "public" && row.visibility !== "unlisted")) return;
  const activity = new Kind({
    id: activityId(deps, event),
    actor: ctx.getActorUri(row.username),
    object: new URL(row.uri),
    target: ctx.getFeaturedUri(row.username),
    to: PUBLIC_COLLECTION,
    cc: ctx.getFollowersUri(row.username),
  });
  await ctx.sendActivity({ identifier: row.username }, "followers", activity, {
    preferSharedInbox: true,
  });
}

/**
 * Sends to the post's audience, once per inbox: followers (unless direct), the
 * mentioned, and `extra`. A group post's audience is its Group's members: the
 * Group announces it (hosted here) or is sent it (elsewhere).
 */
async function sendToAudience(
  ctx: Context<void>,
  deps: FederationDeps,
  p: LocalPost,
  activity: Create | Update | Delete,
  extra: RemoteActor[] = [],
) {
  if (p.post.audience_uri)
    return sendGroupPostActivity(ctx, deps, p, activity, {
      announceId: new URL(`${activity.id?.href}/announce`),
      published: p.post.edited_at ?? p.post.created_at,
      extra,
    });
  const mentioned = p.mentions.flatMap((m) =>
    m.inbox_url
      ? [{ uri: m.actor_uri, inbox_url: m.inbox_url, shared_inbox_url: m.shared_inbox_url }]
      : [],
  );
  await sendToInboxes(
    ctx,
    deps,
    { identifier: p.post.username },
    {
      followersOf:
        p.post.visibility === "direct" ? undefined : ctx.getActorUri(p.post.username).href,
      others: [...mentioned, ...extra],
    },
    activity,
  );
}

/** The remote author of the post replied to, who should hear of the reply. */
async function parentAuthor(deps: FederationDeps, p: LocalPost): Promise<RemoteActor[]> {
  if (!p.post.in_reply_to_id) return [];
  const parent = await deps.db.db
    .selectFrom("posts")
    .select("author_remote_id")
    .where("id", "=", p.post.in_reply_to_id)
    .executeTakeFirst();
  const actor = parent?.author_remote_id
    ? await findRemoteActor(deps.db.db, { id: parent.author_remote_id })
    : undefined;
  return actor ? [actor] : [];
}

/** Remote actors who voted on a poll: they hear of its new counts. */
async function remoteVoters(deps: FederationDeps, postId: string): Promise<RemoteActor[]> {
  return deps.db.db
    .selectFrom("poll_votes")
    .innerJoin("remote_actors as r", "r.id", "poll_votes.remote_id")
    .selectAll("r")
    .distinct()
    .where("poll_votes.post_id", "=", postId)
    .execute();
}

/**
 * Who hears of a like: the post's remote author (as Mastodon sends it), and the
 * Group of a group post elsewhere (Lemmy counts votes the community hears of).
 */
async function likeRecipients(
  deps: FederationDeps,
  post: { author_remote_id: string | null; audience_uri: string | null; group_id: string | null },
): Promise<RemoteActor[]> {
  const author = post.author_remote_id
    ? await findRemoteActor(deps.db.db, { id: post.author_remote_id })
    : undefined;
  const group =
    post.audience_uri && !post.group_id
      ? await findRemoteActor(deps.db.db, { uri: post.audience_uri })
      : undefined;
  return [...(author ? [author] : []), ...(group ? [group] : [])];
}

/** Payloads arrive parsed by their schemas in social/events.ts. */
export const socialEventHandlers: EventHandlers<typeof socialEvents> = {
  async "social.post.created"(ctx, deps, _event, payload) {
    const p = await loadLocalPost(deps.db.db, payload.postId);
    if (!p || p.post.deleted_at || p.post.reblog_of_id) return;
    await sendToAudience(
      ctx,
      deps,
      p,
      createOf(ctx, deps.config.origin, p),
      await parentAuthor(deps, p),
    );
  },

  async "social.post.updated"(ctx, deps, event, payload) {
    const p = await loadLocalPost(deps.db.db, payload.postId);
    if (!p || p.post.deleted_at) return;
    const update = new Update({
      id: activityId(deps, event),
      actor: ctx.getActorUri(p.post.username),
      object: postObject(ctx, deps.config.origin, p),
      ...addressing(ctx, p),
    });
    await sendToAudience(ctx, deps, p, update, await parentAuthor(deps, p));
  },

  /** Results of our poll changed (a vote, or it closed): Update(Question). */
  async "social.poll.updated"(ctx, deps, event, payload) {
    const p = await loadLocalPost(deps.db.db, payload.postId);
    if (!p?.poll || p.post.deleted_at) return;
    const update = new Update({
      id: activityId(deps, event),
      actor: ctx.getActorUri(p.post.username),
      object: postObject(ctx, deps.config.origin, p),
      ...addressing(ctx, p),
    });
    await sendToAudience(ctx, deps, p, update, await remoteVoters(deps, p.post.id));
  },

  async "social.post.deleted"(ctx, deps, event, payload) {
    const p = await loadLocalPost(deps.db.db, payload.postId);
    if (!p) return;
    const del = new Delete({
      id: activityId(deps, event),
      actor: ctx.getActorUri(p.post.username),
      object: new Tombstone({ id: new URL(p.post.uri) }),
      to: PUBLIC_COLLECTION,
    });
    await sendToAudience(
      ctx,
      deps,
      { ...p, post: { ...p.post, visibility: p.post.visibility } },
      del,
      await parentAuthor(deps, p),
    );
  },

  // A pin or unpin: Add / Remove of the Note to the actor's featured collection, to followers.
  async "social.post.pinned"(ctx, deps, event, payload) {
    await sendFeaturedChange(ctx, deps, event, payload, Add);
  },

  async "social.post.unpinned"(ctx, deps, event, payload) {
    await sendFeaturedChange(ctx, deps, event, payload, Remove);
  },

  async "social.post.boosted"(ctx, deps, _event, payload) {
    const { boostId } = payload;
    const row = await deps.db.db
      .selectFrom("posts as b")
      .innerJoin("accounts as a", "a.id", "b.author_account_id")
      .innerJoin("posts as o", "o.id", "b.reblog_of_id")
      .select([
        "b.uri",
        "b.created_at",
        "a.username",
        "o.uri as object_uri",
        "o.author_uri",
        "o.author_remote_id",
      ])
      .where("b.id", "=", boostId)
      .executeTakeFirst();
    if (!row) return;
    const announce = boostAnnounce(ctx, {
      uri: row.uri,
      username: row.username,
      objectUri: row.object_uri,
      authorUri: row.author_uri,
      boostedAt: row.created_at,
    });
    await sendBoostAudience(ctx, deps, row.username, row.author_remote_id, announce);
  },

  async "social.post.unboosted"(ctx, deps, event, p) {
    const account = await deps.db.db
      .selectFrom("accounts")
      .select("username")
      .where("id", "=", p.accountId)
      .executeTakeFirst();
    if (!account) return;
    const author = p.objectAuthorRemoteId
      ? await findRemoteActor(deps.db.db, { id: p.objectAuthorRemoteId })
      : undefined;
    const undo = new Undo({
      id: activityId(deps, event),
      actor: ctx.getActorUri(account.username),
      object: boostAnnounce(ctx, {
        uri: p.boostUri,
        username: account.username,
        objectUri: p.objectUri,
        authorUri: p.objectAuthorUri ?? author?.uri ?? null,
        boostedAt: p.boostedAt ?? null,
      }),
      to: PUBLIC_COLLECTION,
      ccs: [ctx.getFollowersUri(account.username), ...(author ? [new URL(author.uri)] : [])],
    });
    await sendBoostAudience(ctx, deps, account.username, p.objectAuthorRemoteId, undo);
  },

  async "social.post.liked"(ctx, deps, _event, payload) {
    const { likeId } = payload;
    const row = await deps.db.db
      .selectFrom("likes")
      .innerJoin("accounts as a", "a.id", "likes.account_id")
      .innerJoin("posts as o", "o.id", "likes.post_id")
      .select([
        "likes.uri",
        "a.username",
        "o.uri as object_uri",
        "o.author_uri",
        "o.author_remote_id",
        "o.audience_uri",
        "o.group_id",
      ])
      .where("likes.id", "=", likeId)
      .executeTakeFirst();
    if (!row) return;
    const to = await likeRecipients(deps, row);
    const like = likeActivity(ctx, {
      uri: row.uri,
      username: row.username,
      objectUri: row.object_uri,
      authorUri: row.author_uri,
      groupUri: row.audience_uri,
    });
    await sendToInboxes(ctx, deps, { identifier: row.username }, { others: to }, like);
  },

  async "social.post.unliked"(ctx, deps, event, p) {
    const account = await deps.db.db
      .selectFrom("accounts")
      .select("username")
      .where("id", "=", p.accountId)
      .executeTakeFirst();
    const post = await deps.db.db
      .selectFrom("posts")
      .select(["author_uri", "author_remote_id", "audience_uri", "group_id"])
      .where("uri", "=", p.objectUri)
      .executeTakeFirst();
    if (!account || !post) return;
    const actor = ctx.getActorUri(account.username);
    const undo = new Undo({
      id: activityId(deps, event),
      actor,
      object: likeActivity(ctx, {
        uri: p.likeUri,
        username: account.username,
        objectUri: p.objectUri,
        authorUri: post.author_uri,
        groupUri: post.audience_uri,
      }),
      to: new URL(post.author_uri),
    });
    const to = await likeRecipients(deps, post);
    await sendToInboxes(ctx, deps, { identifier: account.username }, { others: to }, undo);
  },

  /**
   * A member voted on a remote poll: one Create(Note) per choice, with the
   * option's title as `name`, sent to the poll's author alone (as Mastodon does).
   */
  async "social.poll.voted"(ctx, deps, _event, p) {
    const poll = await deps.db.db
      .selectFrom("posts")
      .innerJoin("polls", "polls.post_id", "posts.id")
      .select(["posts.uri", "posts.author_remote_id", "polls.options"])
      .where("posts.id", "=", p.postId)
      .executeTakeFirst();
    const author = poll?.author_remote_id
      ? await findRemoteActor(deps.db.db, { id: poll.author_remote_id })
      : undefined;
    if (!poll || !author) return;
    const options = parseOptions(poll.options);
    const votes = await deps.db.db
      .selectFrom("poll_votes")
      .innerJoin("accounts as a", "a.id", "poll_votes.account_id")
      .select(["poll_votes.uri", "poll_votes.choice", "poll_votes.created_at", "a.username"])
      .where("poll_votes.id", "in", p.voteIds)
      .execute();
    for (const vote of votes) {
      const title = options[vote.choice]?.title;
      if (!title) continue;
      const actor = ctx.getActorUri(vote.username);
      const note = new Note({
        id: new URL(vote.uri),
        attribution: actor,
        name: title,
        replyTarget: new URL(poll.uri),
        to: new URL(author.uri),
        published: instant(vote.created_at),
      });
      const create = new Create({
        id: new URL(`${vote.uri}/activity`),
        actor,
        object: note,
        to: new URL(author.uri),
      });
      await ctx.sendActivity({ identifier: vote.username }, recipientOf(author), create);
    }
  },

  /** A member blocked a remote actor: Block, so its server drops follows (as Mastodon does). */
  async "social.actor.blocked"(ctx, deps, event, payload) {
    await sendBlock(ctx, deps, event, payload, false);
  },

  async "social.actor.unblocked"(ctx, deps, event, payload) {
    await sendBlock(ctx, deps, event, payload, true);
  },

  "social.counts.requested": countsRequested,

  /** A member's report about a remote post, forwarded anonymously as Flag from the co-op actor. */
  async "social.report.forwarded"(ctx, deps, event, payload) {
    const { reportId } = payload;
    const report = await deps.db.db
      .selectFrom("reports")
      .selectAll()
      .where("id", "=", reportId)
      .executeTakeFirst();
    const target = report
      ? await findRemoteActor(deps.db.db, { uri: report.target_uri })
      : undefined;
    if (!report || !target) return;
    const ids = JSON.parse(report.post_ids) as string[];
    const posts = ids.length
      ? await deps.db.db.selectFrom("posts").select("uri").where("id", "in", ids).execute()
      : [];
    const flag = new Flag({
      id: activityId(deps, event),
      actor: ctx.getActorUri(COOP),
      objects: [new URL(target.uri), ...posts.map((p) => new URL(p.uri))],
      content: report.comment,
    });
    await ctx.sendActivity({ identifier: COOP }, recipientOf(target), flag);
  },
};
