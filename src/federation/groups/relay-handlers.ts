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
import type { EventPayload, OutboxEventRow, OutboxEventType } from "../../db/outbox.ts";
import type { groupsEvents } from "../../groups/events.ts";
import { findGroupById, type Group } from "../../groups/groups.ts";
import { findPost } from "../../groups/threads.ts";
import { coopUri, groupUri, personUri } from "../../groups/uris.ts";
import { COOP, type FederationDeps } from "../deps.ts";
import type { EventHandler, EventHandlers } from "../extensions.ts";
import { signedLoader } from "../lookup.ts";
import { recipientOf } from "../relay.ts";
import { findRemoteActor } from "../remote-actors.ts";
import { createOf, loadLocalPost } from "../social/notes.ts";
import { groupActor, groupSender, groupUrls } from "./actor.ts";
import { announceToMembers, remoteMembers, sendGroupPostActivity } from "./post-activities.ts";

const activityId = (deps: FederationDeps, event: OutboxEventRow, suffix = "") =>
  new URL(`/activities/${event.id}${suffix}`, deps.config.origin);

/** The Group wraps an activity in an Announce to its members (FEP-1b12). */
async function announce(
  ctx: Context<void>,
  deps: FederationDeps,
  event: OutboxEventRow,
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

/** The handler of one event type, given the payload parsed by its schema (groups/events.ts). */
type Handler<T extends OutboxEventType> = EventHandler<EventPayload<T>>;

/** Accept(Follow) from the Group: the join is admitted. */
const memberAccepted: Handler<"groups.member.accepted"> = async (ctx, deps, _event, payload) => {
  const { groupId, memberId } = payload;
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
const memberInvited: Handler<"groups.member.invited"> = async (ctx, deps, event, payload) => {
  const { groupId, memberId } = payload;
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
const memberRemoved: Handler<"groups.member.removed"> = async (ctx, deps, event, p) => {
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
const postCreated: Handler<"groups.post.created"> = async (ctx, deps, event, { postId }) => {
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
const postSent: Handler<"groups.post.sent"> = async (ctx, deps, event, { postId }) => {
  const p = await loadLocalPost(deps.db.db, postId);
  if (!p || p.post.group_id || !p.post.audience_uri || p.post.deleted_at) return;
  await sendGroupPostActivity(ctx, deps, p, createOf(ctx, deps.config.origin, p), {
    announceId: activityId(deps, event),
    published: event.created_at,
  });
};

/** A post from elsewhere in a group hosted here was edited: the Group announces the Update as received. */
const postUpdated: Handler<"groups.post.updated"> = async (ctx, deps, event, p) => {
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
const postDeleted: Handler<"groups.post.deleted"> = async (ctx, deps, event, p) => {
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
  (added: boolean): Handler<"groups.moderator.added" | "groups.moderator.removed"> =>
  async (ctx, deps, event, p) => {
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
const coopFollow: Handler<"groups.coop.followed"> = async (
  ctx,
  deps,
  _event,
  { affiliationId },
) => {
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
const coopUnfollow: Handler<"groups.coop.unfollowed"> = async (ctx, deps, event, p) => {
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
  (added: boolean): Handler<"groups.delegate.added" | "groups.delegate.removed"> =>
  async (ctx, deps, event, p) => {
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
const groupUpdated: Handler<"groups.group.updated"> = async (ctx, deps, event, { groupId }) => {
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

export const groupsEventHandlers: EventHandlers<typeof groupsEvents> = {
  "groups.member.accepted": memberAccepted,
  "groups.member.removed": memberRemoved,
  "groups.member.invited": memberInvited,
  "groups.post.created": postCreated,
  "groups.post.sent": postSent,
  "groups.post.deleted": postDeleted,
  "groups.post.updated": postUpdated,
  "groups.moderator.added": moderatorChanged(true),
  "groups.moderator.removed": moderatorChanged(false),
  "groups.group.updated": groupUpdated,
  "groups.coop.followed": coopFollow,
  "groups.coop.unfollowed": coopUnfollow,
  "groups.delegate.added": delegateChanged(true),
  "groups.delegate.removed": delegateChanged(false),
};
