/**
 * How an activity about a group post reaches the group's members (FEP-1b12):
 * the Group speaks for its members. In a group hosted here the Group wraps the
 * author's activity (Create, Update, Delete) in an Announce to every remote
 * member; in a group elsewhere the author's activity goes to that Group, which
 * announces it. Either way the remote people mentioned get the author's own
 * activity too, as for any post (they may not be members). The objects come
 * from the one converter (social/notes.ts).
 */
import type { Context } from "@fedify/fedify";
import {
  type Add,
  Announce,
  type Create,
  type Delete,
  PUBLIC_COLLECTION,
  type Remove,
  type Update,
} from "@fedify/vocab";
import { findGroupById, type Group } from "../../groups/groups.ts";
import { type InboxRow, recipientOf, sendToInboxes } from "../audience.ts";
import type { FederationDeps } from "../deps.ts";
import { findRemoteActor } from "../remote-actors.ts";
import type { LocalPost } from "../social/notes.ts";
import { groupSender, groupUrls, instant } from "./actor.ts";

/** Remote actors who are active members of the group (Announce goes to each). */
export async function remoteMembers(deps: FederationDeps, group: Group) {
  return deps.db.db
    .selectFrom("group_members")
    .innerJoin("remote_actors", "remote_actors.id", "group_members.remote_id")
    .selectAll("remote_actors")
    .where("group_members.group_id", "=", group.id)
    .where("group_members.status", "=", "active")
    .where("remote_actors.gone", "=", 0)
    .execute();
}

/** The Group wraps an activity in an Announce (id given) to its remote members. */
export async function announceToMembers(
  ctx: Context<void>,
  deps: FederationDeps,
  group: Group,
  values: { id: URL; published: string; object: Create | Update | Delete | Add | Remove | URL },
): Promise<void> {
  const recipients = await remoteMembers(deps, group);
  if (recipients.length === 0) return;
  const urls = groupUrls(deps.config.origin, group.name);
  const isPublic = group.visibility === "public";
  // `published`, as Mastodon and GoToSocial put on every Announce (GoToSocial warns without).
  const announce = new Announce({
    id: values.id,
    actor: new URL(urls.id),
    published: instant(values.published),
    object: values.object,
    audience: new URL(urls.id),
    tos: isPublic ? [PUBLIC_COLLECTION] : [new URL(urls.followers)],
    ccs: [new URL(urls.followers)],
  });
  await ctx.sendActivity(await groupSender(deps, group), recipients.map(recipientOf), announce, {
    preferSharedInbox: true,
  });
}

/** The remote people a post mentions (they hear of it as of any post). */
export const remoteMentioned = (p: LocalPost): InboxRow[] =>
  p.mentions.flatMap((m) =>
    m.inbox_url
      ? [{ uri: m.actor_uri, inbox_url: m.inbox_url, shared_inbox_url: m.shared_inbox_url }]
      : [],
  );

/**
 * Sends a member's activity about their group post: announced by the Group
 * (hosted here, `announceId` the Announce's id) or sent to the Group elsewhere,
 * and to the remote mentioned and `extra` (a parent's author, a poll's voters).
 */
export async function sendGroupPostActivity(
  ctx: Context<void>,
  deps: FederationDeps,
  p: LocalPost,
  activity: Create | Update | Delete,
  options: { announceId: URL; published: string; extra?: InboxRow[] },
): Promise<void> {
  const others: InboxRow[] = [...remoteMentioned(p), ...(options.extra ?? [])];
  if (p.post.group_id) {
    const group = await findGroupById(deps.db.db, p.post.group_id);
    if (group)
      await announceToMembers(ctx, deps, group, {
        id: options.announceId,
        published: options.published,
        object: activity,
      });
  } else if (p.post.audience_uri) {
    const group = await findRemoteActor(deps.db.db, { uri: p.post.audience_uri });
    if (group) others.unshift(group);
  }
  await sendToInboxes(ctx, deps, { identifier: p.post.username }, { others }, activity);
}
