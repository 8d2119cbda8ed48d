/**
 * Outbox events of the groups area, turned into activities (relay.ts calls them
 * by type). Activity ids derive from the event id, so a re-relayed event sends
 * the same ids and receivers drop the repeat. What a Group sends is signed with
 * the group's own key (actor.ts).
 */
import type { Context } from "@fedify/fedify";
import {
  Accept,
  Add,
  Create,
  Delete,
  Follow,
  Invite,
  PUBLIC_COLLECTION,
  Reject,
  Remove,
  Tombstone,
  Undo,
  Update,
} from "@fedify/vocab";
import { z } from "zod";
import { findGroupById, type Group } from "../../groups/groups.ts";
import { findPost } from "../../groups/threads.ts";
import { coopUri, groupUri, personUri } from "../../groups/uris.ts";
import { COOP, type FederationDeps } from "../deps.ts";
import type { EventHandler, OutboxEvent } from "../extensions.ts";
import { signedLoader } from "../lookup.ts";
import { recipientOf } from "../relay.ts";
import { findRemoteActor } from "../remote-actors.ts";
import { createOf, loadLocalPost } from "../social/notes.ts";
import { groupActor, groupSender, groupUrls } from "./actor.ts";
import { announceToMembers, remoteMembers, sendGroupPostActivity } from "./post-activities.ts";

const activityId = (deps: FederationDeps, event: OutboxEvent, suffix = "") =>
  new URL(`/activities/${event.id}${suffix}`, deps.config.origin);

/** The Group wraps an activity in an Announce to its members (FEP-1b12). */
async function announce(
  ctx: Context<void>,
  deps: FederationDeps,
  event: OutboxEvent,
  group: Group,
  object: Create | Add | Remove | Delete,
) {
  await announceToMembers(ctx, deps, group, {
    id: activityId(deps, event),
    published: event.created_at,
    object,
  });
}

async function groupOf(deps: FederationDeps, groupId: string) {
  return findGroupById(deps.db.db, groupId);
}

const ids = {
  member: z.object({ groupId: z.string(), memberId: z.string() }),
  removed: z.object({
    groupId: z.string(),
    remoteId: z.string(),
    actorUri: z.string(),
    followActivityUri: z.string(),
  }),
  post: z.object({ postId: z.string() }),
  moderator: z.object({ groupId: z.string(), actorUri: z.string() }),
  affiliation: z.object({ affiliationId: z.string() }),
  delegate: z.object({ affiliationId: z.string(), accountId: z.string() }),
};

/** Accept(Follow) from the Group: the join is admitted. */
const memberAccepted: EventHandler = async (ctx, deps, _event, payload) => {
  const { groupId, memberId } = ids.member.parse(payload);
  const group = await groupOf(deps, groupId);
  const row = await deps.db.db
    .selectFrom("group_members")
    .selectAll()
    .where("id", "=", memberId)
    .where("status", "=", "active")
    .executeTakeFirst();
  if (!group || !row?.remote_id || !row.follow_activity_uri) return;
  const member = await findRemoteActor(deps.db.db, { id: row.remote_id });
  if (!member) return;
  const id = groupUri(deps.config.origin, group.name);
  const accept = new Accept({
    id: activityId(deps, _event),
    actor: new URL(id),
    object: new Follow({
      id: new URL(row.follow_activity_uri),
      actor: new URL(row.actor_uri),
      object: new URL(id),
    }),
  });
  await ctx.sendActivity(await groupSender(deps, group), recipientOf(member), accept);
};

/**
 * The Group invites a remote actor: Invite{actor: the Group, object: the Group,
 * target: the invitee}, as Mobilizon and Smithereen shape it (Lemmy has none).
 * Their Accept of it, or a Follow of the Group, admits them.
 */
const memberInvited: EventHandler = async (ctx, deps, event, payload) => {
  const { groupId, memberId } = ids.member.parse(payload);
  const group = await groupOf(deps, groupId);
  const row = await deps.db.db
    .selectFrom("group_members")
    .selectAll()
    .where("id", "=", memberId)
    .where("status", "=", "invited")
    .executeTakeFirst();
  if (!group || !row?.remote_id) return;
  const member = await findRemoteActor(deps.db.db, { id: row.remote_id });
  if (!member) return;
  const id = new URL(groupUri(deps.config.origin, group.name));
  const invite = new Invite({
    id: activityId(deps, event),
    actor: id,
    object: id,
    target: new URL(row.actor_uri),
    tos: [new URL(row.actor_uri)],
  });
  await ctx.sendActivity(await groupSender(deps, group), recipientOf(member), invite);
};

/** Reject(Follow) from the Group: a request turned down, or a member removed. */
const memberRemoved: EventHandler = async (ctx, deps, event, payload) => {
  const p = ids.removed.parse(payload);
  const group = await groupOf(deps, p.groupId);
  const member = await findRemoteActor(deps.db.db, { id: p.remoteId });
  if (!group || !member) return;
  const id = groupUri(deps.config.origin, group.name);
  const reject = new Reject({
    id: activityId(deps, event),
    actor: new URL(id),
    object: new Follow({
      id: new URL(p.followActivityUri),
      actor: new URL(p.actorUri),
      object: new URL(id),
    }),
  });
  await ctx.sendActivity(await groupSender(deps, group), recipientOf(member), reject);
};

/**
 * A post in a group hosted here: announced to the members, wrapping its Create
 * (the one converter's, or a received one as it came), and the author's Create
 * to the remote people it mentions.
 */
const postCreated: EventHandler = async (ctx, deps, event, payload) => {
  const { postId } = ids.post.parse(payload);
  const post = await findPost(deps.db.db, postId);
  if (!post?.group_id || post.deleted_at) return;
  const group = await groupOf(deps, post.group_id);
  if (!group) return;
  const announceId = activityId(deps, event);
  if (post.activity_json) {
    // Received from elsewhere: the Create goes out as it came (FEP-1b12).
    const create = await Create.fromJsonLd(JSON.parse(post.activity_json), {
      documentLoader: await signedLoader(ctx),
      contextLoader: ctx.contextLoader,
    });
    await announce(ctx, deps, event, group, create);
  } else {
    const p = await loadLocalPost(deps.db.db, post.id);
    if (!p) return;
    await sendGroupPostActivity(ctx, deps, p, createOf(ctx, deps.config.origin, p), {
      announceId,
      published: event.created_at,
    });
  }
  // Mastodon and Pleroma do not read Announce{Create}: like Lemmy, also announce the
  // post itself, which they show as a boost by the group (others drop the repeat).
  if (group.visibility === "public")
    await announceToMembers(ctx, deps, group, {
      id: activityId(deps, event, "/object"),
      published: event.created_at,
      object: new URL(post.uri),
    });
};

/** A member's post in a group on another node: the Create goes to that Group (and the mentioned). */
const postSent: EventHandler = async (ctx, deps, event, payload) => {
  const { postId } = ids.post.parse(payload);
  const p = await loadLocalPost(deps.db.db, postId);
  if (!p || p.post.group_id || !p.post.audience_uri || p.post.deleted_at) return;
  await sendGroupPostActivity(ctx, deps, p, createOf(ctx, deps.config.origin, p), {
    announceId: activityId(deps, event),
    published: event.created_at,
  });
};

/** A post from elsewhere in a group hosted here was edited: the Group announces the Update as received. */
const postUpdated: EventHandler = async (ctx, deps, event, payload) => {
  const p = z.object({ postId: z.string(), activityJson: z.string() }).parse(payload);
  const post = await findPost(deps.db.db, p.postId);
  if (!post?.group_id || post.deleted_at) return;
  const group = await groupOf(deps, post.group_id);
  if (!group) return;
  const update = await Update.fromJsonLd(JSON.parse(p.activityJson), {
    documentLoader: await signedLoader(ctx),
    contextLoader: ctx.contextLoader,
  });
  await announceToMembers(ctx, deps, group, {
    id: activityId(deps, event),
    published: event.created_at,
    object: update,
  });
};

/**
 * A post deleted (by its author or a moderator). In a group hosted here the Group
 * announces the Delete to its members, as Lemmy does (Announce{Delete}, the
 * object a Tombstone); a member's post in a group elsewhere: the author's Delete
 * goes to that Group, which announces it. The remote mentioned hear of it too.
 */
const postDeleted: EventHandler = async (ctx, deps, event, payload) => {
  const p = z.object({ postId: z.string(), actorUri: z.string() }).parse(payload);
  const db = deps.db.db;
  const post = await findPost(db, p.postId);
  if (!post?.deleted_at) return;
  const local = post.local ? await loadLocalPost(db, post.id) : null;
  // The node speaks for its members: a post of ours goes out deleted by its author
  // unless a moderator of the group here deleted it (a group elsewhere would refuse
  // anyone but the author).
  const actor = post.group_id || !local ? p.actorUri : post.author_uri;
  const del = new Delete({
    id: activityId(deps, event, "/delete"),
    actor: new URL(actor),
    object: new Tombstone({ id: new URL(post.uri) }),
    audience: new URL(post.audience_uri as string),
    tos: [PUBLIC_COLLECTION],
    ccs: [new URL(post.audience_uri as string)],
  });
  const signer = personName(deps, actor);
  if (local && signer)
    return sendGroupPostActivity(
      ctx,
      deps,
      { ...local, post: { ...local.post, username: signer } },
      del,
      {
        announceId: activityId(deps, event),
        published: event.created_at,
      },
    );
  // A post from elsewhere, deleted here by a moderator of the group: the Group announces it.
  const group = post.group_id ? await groupOf(deps, post.group_id) : undefined;
  if (group) await announce(ctx, deps, event, group, del);
};

/** The username of a member of this node, from their actor URI. */
function personName(deps: FederationDeps, uri: string): string | null {
  const prefix = `${deps.config.origin}/users/`;
  return uri.startsWith(prefix) ? uri.slice(prefix.length) : null;
}

/** The moderators (attributedTo) changed: Announce{Add|Remove} by the Group. */
const moderatorChanged =
  (added: boolean): EventHandler =>
  async (ctx, deps, event, payload) => {
    const p = ids.moderator.parse(payload);
    const group = await groupOf(deps, p.groupId);
    if (!group) return;
    const urls = groupUrls(deps.config.origin, group.name);
    const values = {
      id: activityId(deps, event, "/change"),
      actor: new URL(urls.id),
      object: new URL(p.actorUri),
      target: new URL(urls.moderators),
      audience: new URL(urls.id),
      tos: [PUBLIC_COLLECTION],
      ccs: [new URL(urls.id)],
    };
    await announce(ctx, deps, event, group, added ? new Add(values) : new Remove(values));
  };

/** Our co-op (its Organization actor) follows a federation on another node. */
const coopFollow: EventHandler = async (ctx, deps, _event, payload) => {
  const { affiliationId } = ids.affiliation.parse(payload);
  const db = deps.db.db;
  const aff = await db
    .selectFrom("coop_affiliations")
    .selectAll()
    .where("id", "=", affiliationId)
    .executeTakeFirst();
  const group = aff ? await findRemoteActor(db, { id: aff.group_remote_id }) : undefined;
  if (!aff || !group) return;
  const follow = new Follow({
    id: new URL(aff.follow_activity_uri),
    actor: new URL(coopUri(deps.config.origin)),
    object: new URL(group.uri),
  });
  await ctx.sendActivity({ identifier: COOP }, recipientOf(group), follow);
};

/** Our co-op leaves a federation: Undo(Follow). */
const coopUnfollow: EventHandler = async (ctx, deps, event, payload) => {
  const p = z.object({ groupRemoteId: z.string(), followActivityUri: z.string() }).parse(payload);
  const group = await findRemoteActor(deps.db.db, { id: p.groupRemoteId });
  if (!group) return;
  const actor = new URL(coopUri(deps.config.origin));
  const undo = new Undo({
    id: activityId(deps, event),
    actor,
    object: new Follow({ id: new URL(p.followActivityUri), actor, object: new URL(group.uri) }),
  });
  await ctx.sendActivity({ identifier: COOP }, recipientOf(group), undo);
};

/** Our co-op names (Add) or drops (Remove) a delegate in a federation. */
const delegateChanged =
  (added: boolean): EventHandler =>
  async (ctx, deps, event, payload) => {
    const p = ids.delegate.parse(payload);
    const db = deps.db.db;
    const aff = await db
      .selectFrom("coop_affiliations")
      .selectAll()
      .where("id", "=", p.affiliationId)
      .executeTakeFirst();
    const account = await db
      .selectFrom("accounts")
      .select("username")
      .where("id", "=", p.accountId)
      .executeTakeFirst();
    const group = aff ? await findRemoteActor(db, { id: aff.group_remote_id }) : undefined;
    if (!aff || !account || !group) return;
    const values = {
      id: activityId(deps, event),
      actor: new URL(coopUri(deps.config.origin)),
      object: new URL(personUri(deps.config.origin, account.username)),
      target: new URL(group.uri),
      tos: [new URL(group.uri)],
    };
    await ctx.sendActivity(
      { identifier: COOP },
      recipientOf(group),
      added ? new Add(values) : new Remove(values),
    );
  };

/** The group's settings changed: Update(Group) to its members (FEP-1b12 moderation). */
const groupUpdated: EventHandler = async (ctx, deps, event, payload) => {
  const { groupId } = z.object({ groupId: z.string() }).parse(payload);
  const group = await groupOf(deps, groupId);
  if (!group) return;
  const recipients = await remoteMembers(deps, group);
  if (recipients.length === 0) return;
  const urls = groupUrls(deps.config.origin, group.name);
  const update = new Update({
    id: activityId(deps, event),
    actor: new URL(urls.id),
    object: await groupActor(deps, group),
    tos: [PUBLIC_COLLECTION],
    ccs: [new URL(urls.followers)],
  });
  await ctx.sendActivity(await groupSender(deps, group), recipients.map(recipientOf), update, {
    preferSharedInbox: true,
  });
};

export const groupsEventHandlers: Record<string, EventHandler> = {
  "groups.member.accepted": memberAccepted,
  "groups.member.removed": memberRemoved,
  "groups.member.invited": memberInvited,
  "groups.post.created": postCreated,
  "groups.post.sent": postSent,
  "groups.post.deleted": postDeleted,
  "groups.post.updated": postUpdated,
  "groups.moderator.added": moderatorChanged(true),
  "groups.moderator.removed": moderatorChanged(false),
  "groups.updated": groupUpdated,
  "groups.coop.follow": coopFollow,
  "groups.coop.unfollow": coopUnfollow,
  "groups.delegate.added": delegateChanged(true),
  "groups.delegate.removed": delegateChanged(false),
};
