/**
 * Moving in and out, federated (moving/): a member's Move goes to their followers
 * and their followers here follow the new account; a Move that arrives is
 * believed only when it comes from the account that moved (signed by it, its
 * actor and object the same) and the target, fetched fresh, lists that account
 * in alsoKnownAs (as Mastodon's ActivityPub::Activity::Move does); then the
 * members here who followed it follow the target. Imports of Mastodon's CSV files
 * are applied here too, a few rows per event, because resolving an address may
 * need WebFinger and a fetch.
 */
import type { InboxContext } from "@fedify/fedify";
import { type Activity, getTypeId, Move, PUBLIC_COLLECTION } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { movingEvents } from "../../moving/events.ts";
import { moveFollowers, recordRemoteMove } from "../../moving/moves.ts";
import { type FederationDeps, socialContext } from "../deps.ts";
import { type AreaExtension, areaExtension, type EventHandlers } from "../extensions.ts";
import { ensureActor } from "../lookup.ts";
import { allowsFederation } from "../social/domain-policy.ts";
import { applyImportBatch } from "./imports.ts";
import { moveTargetById } from "./target.ts";

const logger = getLogger(["synco", "federation", "moving"]);

function skip(activity: Activity, why: string): void {
  logger.info("Skipping {type} {id}: {why}", {
    type: getTypeId(activity).href,
    id: activity.id?.href ?? "(no id)",
    why,
  });
}

const handlers: EventHandlers<typeof movingEvents> = {
  async "moving.account.moved"(ctx, deps, event, { accountId, targetUri }) {
    const db = deps.db.db;
    const account = await db
      .selectFrom("accounts")
      .select(["username", "status"])
      .where("id", "=", accountId)
      .executeTakeFirst();
    if (account?.status !== "active") return;
    const origin = ctx.getActorUri(account.username);
    const move = new Move({
      id: new URL(`/activities/${event.id}`, deps.config.origin),
      actor: origin,
      object: origin,
      target: new URL(targetUri),
      to: PUBLIC_COLLECTION,
      ccs: [ctx.getFollowersUri(account.username)],
    });
    await ctx.sendActivity({ identifier: account.username }, "followers", move, {
      preferSharedInbox: true,
    });
    // The Move is queued; the followers on this node move now (they need no Move).
    const target = await moveTargetById(ctx, deps, new URL(targetUri));
    if (target) await moveFollowers(socialContext(deps), origin.href, target.follow);
  },

  async "moving.import.queued"(ctx, deps, _event, { importId }) {
    await applyImportBatch(ctx, deps, importId);
  },
};

async function onMove(ctx: InboxContext<void>, move: Move, deps: FederationDeps) {
  const db = deps.db.db;
  const { actorId, objectId, targetId } = move;
  if (!actorId || !objectId || !targetId) return skip(move, "a Move needs actor, object, target");
  // Only the account itself may say it moved (Fedify checked the signature is the actor's).
  if (objectId.href !== actorId.href) return skip(move, "it is not from the account that moved");
  if (targetId.href === actorId.href) return skip(move, "it moves to itself");
  if (actorId.origin === new URL(deps.config.origin).origin)
    return skip(move, "a member's move is handled where it is made");
  for (const host of [actorId.host, targetId.host])
    if (!(await allowsFederation(db, host.toLowerCase())))
      return skip(move, "a domain in it may not federate here");
  const origin = await ensureActor(ctx, deps, actorId);
  if (!origin || origin.gone) return skip(move, "its actor could not be fetched");
  const target = await moveTargetById(ctx, deps, targetId);
  if (!target) return skip(move, "its target could not be fetched");
  if (!target.view.aliases.includes(origin.uri))
    return skip(move, "the target does not list the origin in alsoKnownAs");
  if (!(await recordRemoteMove(socialContext(deps), origin.uri, target.view.uri)))
    return skip(move, "the origin moved elsewhere a short while ago");
  const moved = await moveFollowers(socialContext(deps), origin.uri, target.follow);
  deps.invalidate();
  logger.info("{origin} moved to {target}: {moved} followers here follow it now", {
    origin: origin.uri,
    target: target.view.uri,
    moved,
  });
}

export const movingExtension: AreaExtension = areaExtension({
  area: "moving",
  events: movingEvents,
  eventHandlers: handlers,
  inbox: [
    {
      types: [Move],
      // Every Move is this area's, whoever it is addressed to.
      claims: async () => true,
      handle: (ctx, activity, deps) => onMove(ctx, activity as Move, deps),
    },
  ],
});
