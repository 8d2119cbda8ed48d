/**
 * The activities of a member's interactions with others' posts and actors (boost,
 * like, block), built the same way when they are sent and when an Undo embeds
 * them: receivers match the embedded activity by its id, and GoToSocial refuses
 * an embedded Announce addressed to nobody.
 */
import type { Context } from "@fedify/fedify";
import { Announce, Block, Like, PUBLIC_COLLECTION, Undo } from "@fedify/vocab";
import type { EventPayload, OutboxEventRow } from "../../db/outbox.ts";
import { recipientOf, sendToInboxes } from "../audience.ts";
import type { FederationDeps } from "../deps.ts";
import { findRemoteActor } from "../remote-actors.ts";
import { instant } from "./notes.ts";

type Event = OutboxEventRow;

const activityId = (deps: FederationDeps, event: Event) =>
  new URL(`/activities/${event.id}`, deps.config.origin);

export async function sendBlock(
  ctx: Context<void>,
  deps: FederationDeps,
  event: Event,
  p: EventPayload<"social.actor.blocked" | "social.actor.unblocked">,
  undo: boolean,
) {
  const account = await deps.db.db
    .selectFrom("accounts")
    .select("username")
    .where("id", "=", p.accountId)
    .executeTakeFirst();
  const target = await findRemoteActor(deps.db.db, { id: p.targetRemoteId });
  if (!account || !target) return;
  const actor = ctx.getActorUri(account.username);
  const blockId = !undo
    ? activityId(deps, event)
    : p.blockEventId
      ? new URL(`/activities/${p.blockEventId}`, deps.config.origin)
      : new URL(`${activityId(deps, event).href}#block`);
  const block = new Block({ id: blockId, actor, object: new URL(target.uri) });
  const activity = undo
    ? new Undo({ id: activityId(deps, event), actor, object: block, to: new URL(target.uri) })
    : block;
  await ctx.sendActivity({ identifier: account.username }, recipientOf(target), activity);
}

/**
 * The Announce of a boost, built the same way when it is sent and when its Undo
 * embeds it: GoToSocial refuses an embedded Announce that is not addressed to
 * anyone, and receivers match the Undo's object by its id.
 */
export function boostAnnounce(
  ctx: Context<void>,
  b: {
    uri: string;
    username: string;
    objectUri: string;
    authorUri: string | null;
    boostedAt: string | null;
  },
): Announce {
  return new Announce({
    id: new URL(b.uri),
    actor: ctx.getActorUri(b.username),
    object: new URL(b.objectUri),
    published: b.boostedAt ? instant(b.boostedAt) : null,
    to: PUBLIC_COLLECTION,
    ccs: [ctx.getFollowersUri(b.username), ...(b.authorUri ? [new URL(b.authorUri)] : [])],
  });
}

/** A boost (or its Undo) goes to the booster's followers and the remote author, once per inbox. */
export async function sendBoostAudience(
  ctx: Context<void>,
  deps: FederationDeps,
  username: string,
  authorRemoteId: string | null,
  activity: Announce | Undo,
) {
  const author = authorRemoteId
    ? await findRemoteActor(deps.db.db, { id: authorRemoteId })
    : undefined;
  await sendToInboxes(
    ctx,
    deps,
    { identifier: username },
    { followersOf: ctx.getActorUri(username).href, others: author ? [author] : [] },
    activity,
  );
}

/** A Like, built the same way when sent and when its Undo embeds it; a group post's names its Group. */
export function likeActivity(
  ctx: Context<void>,
  l: {
    uri: string;
    username: string;
    objectUri: string;
    authorUri: string;
    groupUri?: string | null;
  },
): Like {
  return new Like({
    id: new URL(l.uri),
    actor: ctx.getActorUri(l.username),
    object: new URL(l.objectUri),
    to: new URL(l.authorUri),
    ...(l.groupUri ? { audience: new URL(l.groupUri), cc: new URL(l.groupUri) } : {}),
  });
}
