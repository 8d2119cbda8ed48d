/**
 * What other servers send us: Follow, Accept, Reject, Undo(Follow), Update of an
 * actor and Delete of an actor. Fedify has already verified the HTTP Signature
 * (RFC 9421 or draft-cavage), Linked Data Signature or Object Integrity Proof and
 * checked that the signer owns the actor; it drops activities it has already
 * processed (per origin, by activity id, and for an Update by its content too: see
 * seenKey). Anything else is logged and skipped.
 */
import { createHash } from "node:crypto";
import type { Federation, InboxContext, KvStore } from "@fedify/fedify";
import {
  Accept,
  Activity,
  Delete,
  Follow,
  getTypeId,
  isActor,
  Reject,
  Undo,
  Update,
} from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import { getLogger } from "@logtape/logtape";
import { actorGone } from "./actor-gone.ts";
import { COOP, type FederationDeps, findMember, INSTANCE, isVisible } from "./deps.ts";
import type { InboxExtension } from "./extensions.ts";
import { receiveAccept, receiveFollow, receiveReject, receiveUndoFollow } from "./follows.ts";
import { ensureActor, signedLoader, storeActor } from "./lookup.ts";
import { allowsFederation } from "./social/domain-policy.ts";

const logger = getLogger(["synco", "federation", "inbox"]);

function skip(activity: Activity, why: string): void {
  logger.info("Skipping {type} {id}: {why}", {
    type: getTypeId(activity).href,
    id: activity.id?.href ?? "(no id)",
    why,
  });
}

/**
 * Which deliveries count as repeats. A second activity with the same id (from the
 * same origin, within a day) is a re-delivery and is dropped, as Fedify would. But
 * GoToSocial gives every Update of a status the same id (`{status}/activity#Update`),
 * so later edits and poll counts would be dropped: an Update is a repeat only if its
 * content is the same too. Fedify 2.3.6 ignores withIdempotency for queued activities
 * (it keys them by id alone), so its own records are switched off (federation.ts) and
 * these are kept instead, after the handler succeeds (a failure is retried).
 */
export async function seenKey(origin: string, activity: Activity): Promise<string | null> {
  const id = activity.id?.href;
  if (!id) return null;
  const key = `${origin}\n${id}`;
  if (!(activity instanceof Update)) return key;
  const json = JSON.stringify(await activity.toJsonLd());
  return `${key}\n${createHash("sha256").update(json).digest("hex")}`;
}

const SEEN_PREFIX = ["synco", "inboxSeen"] as const;
const SEEN_FOR = Temporal.Duration.from({ days: 1 }) as unknown as globalThis.Temporal.Duration;

/** Runs `handler` once per distinct activity (seenKey), remembering it for a day. */
function once<T extends Activity>(
  seen: KvStore | undefined,
  handler: (ctx: InboxContext<void>, activity: T) => Promise<void>,
) {
  return async (ctx: InboxContext<void>, activity: T): Promise<void> => {
    const key = seen ? await seenKey(ctx.origin, activity) : null;
    if (seen && key && (await seen.get([...SEEN_PREFIX, key])) === true) {
      logger.debug("Already handled {id}", { id: activity.id?.href });
      return;
    }
    await handler(ctx, activity);
    if (seen && key) await seen.set([...SEEN_PREFIX, key], true, { ttl: SEEN_FOR });
  };
}

export function registerInbox(
  federation: Federation<void>,
  deps: FederationDeps,
  extensions: readonly InboxExtension[] = [],
  seen?: KvStore,
): void {
  const { db } = deps.db;

  /**
   * The one dispatcher: what the core does not take goes to one area, decided by
   * the actor it is addressed to or comes from. The first area that claims it (a
   * Group hosted here is its object, target, audience or addressee; it is an
   * Announce by a remote Group we follow, …) takes it; otherwise the area that
   * claims nothing in particular (the social network) does. Nobody: skipped.
   */
  /** The area that claims an activity (not the one that takes what nobody claims). */
  async function claimant(ctx: InboxContext<void>, activity: Activity) {
    for (const extension of extensions)
      if (
        extension.types.some((type) => activity instanceof type) &&
        (await extension.claims?.(ctx, activity, deps))
      )
        return extension;
    return undefined;
  }

  async function pass(ctx: InboxContext<void>, activity: Activity, why: string) {
    const able = extensions.filter((e) => e.types.some((type) => activity instanceof type));
    let chosen: InboxExtension | undefined;
    for (const extension of able)
      if (await extension.claims?.(ctx, activity, deps)) {
        chosen = extension;
        break;
      }
    chosen ??= able.find((e) => !e.claims);
    if (!chosen) return skip(activity, why);
    await chosen.handle(ctx, activity, deps);
  }

  /** The local actor an activity is about: a visible member or the co-op. */
  async function localFollowee(ctx: InboxContext<void>, uri: URL | null) {
    const parsed = uri ? ctx.parseUri(uri) : null;
    if (parsed?.type !== "actor" || parsed.identifier === INSTANCE) return null;
    if (parsed.identifier === COOP) return { accountId: null, uri: uri as URL };
    const member = await findMember(db, parsed.identifier);
    if (!member || !isVisible(member) || member.username !== parsed.identifier) return null;
    return { accountId: member.id, uri: uri as URL };
  }

  async function onFollow(ctx: InboxContext<void>, follow: Follow) {
    if (!follow.id || !follow.actorId) return skip(follow, "a Follow needs an id and an actor");
    // The co-op's domain policy (defederation, allow-list mode; src/federation/social/domain-policy.ts).
    if (!(await allowsFederation(db, follow.actorId.host.toLowerCase())))
      return skip(follow, "its domain may not federate here");
    const followee = await localFollowee(ctx, follow.objectId);
    // Not a member or the co-op: perhaps a group's (an extension's) actor.
    if (!followee) return pass(ctx, follow, "its object is not an actor of this node");
    const follower = await ensureActor(ctx, deps, follow.actorId);
    if (!follower) return skip(follow, "its actor could not be fetched");
    const status = await receiveFollow(
      db,
      {
        activityUri: follow.id.href,
        follower,
        followeeAccountId: followee.accountId,
        followeeUri: followee.uri.href,
      },
      deps.clock,
    );
    logger.info("{follower} follows {followee}: {status}", {
      follower: follower.uri,
      followee: followee.uri.href,
      status,
    });
  }

  /** Accept(Follow) and Reject(Follow): matched by our Follow's id, else by the pair. */
  async function onAnswer(
    ctx: InboxContext<void>,
    activity: Accept | Reject,
    apply: typeof receiveReject,
  ) {
    if (!activity.actorId) return skip(activity, "it has no actor");
    const followeeUri = activity.actorId.href;
    const byId = await apply(db, {
      followeeUri,
      followActivityUri: activity.objectId?.href ?? null,
    });
    if (!byId) {
      // Not our Follow's id: an area's answer (FEP-0837's Accept/Reject of an Offer)
      // goes to that area before the match by pair, which would take it for a Follow's.
      const area = await claimant(ctx, activity);
      if (area) return area.handle(ctx, activity, deps);
      if (!(await apply(db, { followeeUri, followActivityUri: null })))
        return skip(activity, "no follow of ours matches it");
    }
    if (activity instanceof Accept)
      for (const extension of extensions)
        await extension.followAccepted?.(ctx, deps, followeeUri).catch((error: unknown) => {
          logger.warning("After the Accept of {followee}: {error}", {
            followee: followeeUri,
            error,
          });
        });
  }

  async function onUndo(ctx: InboxContext<void>, undo: Undo) {
    const object = await undo
      .getObject({ documentLoader: await signedLoader(ctx), suppressError: true })
      .catch(() => null);
    if (!(object instanceof Follow)) return pass(ctx, undo, "only Undo(Follow) is handled");
    if (!undo.actorId || object.actorId?.href !== undo.actorId.href)
      return skip(undo, "the undone Follow is not its actor's");
    if (!object.objectId) return skip(undo, "the undone Follow has no object");
    const removed = await receiveUndoFollow(db, {
      followerUri: undo.actorId.href,
      followeeUri: object.objectId.href,
    });
    if (!removed) await pass(ctx, undo, "there was no such follow");
  }

  async function onUpdate(ctx: InboxContext<void>, update: Update) {
    const object = await update
      .getObject({ documentLoader: await signedLoader(ctx), suppressError: true })
      .catch(() => null);
    if (!object || !isActor(object)) return pass(ctx, update, "only Update of an actor is handled");
    if (object.id?.href !== update.actorId?.href)
      return skip(update, "an actor may only update itself");
    await storeActor(deps, object);
  }

  async function onDelete(ctx: InboxContext<void>, del: Delete) {
    if (!del.actorId || del.objectId?.href !== del.actorId.href)
      return pass(ctx, del, "only Delete of the actor itself is handled");
    await actorGone(deps, del.actorId.href);
    deps.invalidate();
  }

  const core: unknown[] = [Follow, Accept, Reject, Undo, Update, Delete, Activity];
  let listeners = federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .setSharedKeyDispatcher(() => ({ identifier: INSTANCE }))
    .on(Follow, once(seen, onFollow))
    .on(
      Accept,
      once(seen, (ctx, a: Accept) =>
        onAnswer(ctx, a, (db, input) => receiveAccept(db, input, deps.clock)),
      ),
    )
    .on(
      Reject,
      once(seen, (ctx, r: Reject) => onAnswer(ctx, r, receiveReject)),
    )
    .on(Undo, once(seen, onUndo))
    .on(Update, once(seen, onUpdate))
    .on(Delete, once(seen, onDelete))
    .on(
      Activity,
      once(seen, (ctx, activity) => pass(ctx, activity, "Synco does not handle this type yet")),
    );
  // Types only extensions know (Create, Announce, Like, …) get a listener of their own.
  const extra = new Set(extensions.flatMap((e) => e.types).filter((t) => !core.includes(t)));
  for (const type of extra)
    listeners = listeners.on(
      type,
      once(seen, (ctx, activity) => pass(ctx, activity, "no handler took it")),
    );
  listeners
    .onUnverifiedActivity(async (_ctx, activity, reason) => {
      // A deleted actor's server answers 410 for its key, so its own Delete cannot be
      // verified; the 410 from the actor's own origin is the proof (as Mastodon does).
      if (
        activity instanceof Delete &&
        reason.type === "keyFetchError" &&
        "status" in reason.result &&
        reason.result.status === 410 &&
        activity.actorId &&
        reason.keyId?.origin === activity.actorId.origin &&
        activity.objectId?.href === activity.actorId.href
      ) {
        await actorGone(deps, activity.actorId.href);
        return new Response(null, { status: 202 });
      }
    })
    .onError((_ctx, error) => {
      logger.warning("An inbox activity failed: {error}", { error });
    });
}
