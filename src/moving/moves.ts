/**
 * Moving an account (Mastodon's account migration). Moving away: a member names
 * an account elsewhere that already lists them in `alsoKnownAs`; the member is
 * marked moved (`movedTo` in their actor, a notice on their profile) and a Move
 * goes to their followers (moving.account.moved). Moving in, or a followed account
 * moving: the members here who followed the old account follow the new one and
 * stop following the old — the same `moveFollowers` for both.
 *
 * The target's alsoKnownAs is read by the caller (federation fetches it fresh);
 * this module decides and writes, in one transaction per change.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import type { FollowTarget } from "../federation/follows.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { followActivityUri, memberPrefix, memberUri } from "../kernel/uris.ts";
import type { Member, SocialContext } from "../social/context.ts";
import { backfillHome, dropFromHome } from "../social/fanout.ts";
import { notify } from "../social/notifications.ts";
import { inCooldown, listsOrigin, MOVE_COOLDOWN_MS, REMOTE_MOVE_COOLDOWN_MS } from "./rules.ts";

export type MoveProblem = "self" | "not-aliased" | "target-moved" | "moved-recently";

/** What the caller learnt of the account the member moves to. */
export interface MoveTargetView {
  uri: string;
  /** Its alsoKnownAs, as just fetched. */
  aliases: readonly string[];
  /** Its own movedTo, if it has moved on already. */
  movedTo: string | null;
}

/** The actor this one moved to, or null. */
export async function movedTo(db: Kysely<Schema>, actorUri: string): Promise<string | null> {
  const row = await db
    .selectFrom("actor_moves")
    .select("target_uri")
    .where("actor_uri", "=", actorUri)
    .executeTakeFirst();
  return row?.target_uri ?? null;
}

/** Marks the member moved to `target` and records the Move for their followers. */
export async function moveAway(
  s: SocialContext,
  member: Member,
  target: MoveTargetView,
): Promise<Result<{ targetUri: string }, MoveProblem>> {
  const origin = memberUri(s.origin, member.username);
  if (target.uri === origin) return fail("self");
  if (target.movedTo) return fail("target-moved");
  if (!listsOrigin(target.aliases, origin)) return fail("not-aliased");
  return s.db.transaction().execute(async (trx) => {
    const now = s.clock.now();
    const last = await trx
      .selectFrom("actor_moves")
      .select("moved_at")
      .where("actor_uri", "=", origin)
      .executeTakeFirst();
    if (inCooldown(last?.moved_at ?? null, now, MOVE_COOLDOWN_MS))
      return fail("moved-recently" as const);
    await trx
      .insertInto("actor_moves")
      .values({
        actor_uri: origin,
        target_uri: target.uri,
        account_id: member.id,
        moved_at: now.toISOString(),
      })
      .onConflict((oc) =>
        oc.column("actor_uri").doUpdateSet({ target_uri: target.uri, moved_at: now.toISOString() }),
      )
      .execute();
    // The actor now carries movedTo; the Move follows it to the same followers.
    await recordEvent(trx, { type: "accounts.account.updated", payload: { accountId: member.id } });
    await recordEvent(trx, {
      type: "moving.account.moved",
      payload: { accountId: member.id, targetUri: target.uri },
    });
    return ok({ targetUri: target.uri });
  });
}

/**
 * A remote actor's Move, verified by the caller (signed by the origin; the target
 * lists it). Remembered so its profile shows the move; false when the origin
 * moved elsewhere within the cooldown (nothing changes then).
 */
export async function recordRemoteMove(
  s: Pick<SocialContext, "db" | "clock">,
  originUri: string,
  targetUri: string,
): Promise<boolean> {
  return s.db.transaction().execute(async (trx) => {
    const now = s.clock.now();
    const last = await trx
      .selectFrom("actor_moves")
      .select(["moved_at", "target_uri"])
      .where("actor_uri", "=", originUri)
      .executeTakeFirst();
    if (last?.target_uri === targetUri) return true;
    if (inCooldown(last?.moved_at ?? null, now, REMOTE_MOVE_COOLDOWN_MS)) return false;
    await trx
      .insertInto("actor_moves")
      .values({
        actor_uri: originUri,
        target_uri: targetUri,
        account_id: null,
        moved_at: now.toISOString(),
      })
      .onConflict((oc) =>
        oc.column("actor_uri").doUpdateSet({ target_uri: targetUri, moved_at: now.toISOString() }),
      )
      .execute();
    return true;
  });
}

/**
 * Members here who follow `fromUri` follow `target` instead (Mastodon's
 * UnfollowFollowWorker): the old follow ends (Undo(Follow) when it was remote),
 * a new one starts (Follow when the target is remote; accepted at once when it is
 * a member here, whose lock the move bypasses, as Mastodon does). One transaction
 * per follower; returns how many moved.
 */
export async function moveFollowers(
  s: SocialContext,
  fromUri: string,
  target: FollowTarget,
): Promise<number> {
  const targetUri =
    target.kind === "remote" ? target.actor.uri : memberUri(s.origin, target.account.username);
  const followers = await s.db
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.follower_account_id")
    .select(["follows.id", "accounts.id as accountId", "accounts.username"])
    .where("follows.followee_uri", "=", fromUri)
    .where("follows.status", "=", "accepted")
    .where("accounts.status", "=", "active")
    .orderBy("follows.id")
    .execute();
  let moved = 0;
  for (const f of followers) {
    const follower: Member = { id: f.accountId, username: f.username };
    if (await moveOne(s, f.id, follower, fromUri, target, targetUri)) moved++;
  }
  return moved;
}

async function moveOne(
  s: SocialContext,
  followId: string,
  follower: Member,
  fromUri: string,
  target: FollowTarget,
  targetUri: string,
): Promise<boolean> {
  const followerUri = memberUri(s.origin, follower.username);
  return s.db.transaction().execute(async (trx) => {
    const old = await trx
      .selectFrom("follows")
      .selectAll()
      .where("id", "=", followId)
      .executeTakeFirst();
    if (!old) return false;
    await trx.deleteFrom("follows").where("id", "=", old.id).execute();
    await dropFromHome(trx, follower.id, fromUri);
    if (old.followee_remote_id)
      await recordEvent(trx, {
        type: "federation.follow.undone",
        payload: {
          followId: old.id,
          followerAccountId: follower.id,
          followeeRemoteId: old.followee_remote_id,
          activityUri: old.activity_uri,
        },
      });
    if (targetUri === followerUri) return true;
    const already = await trx
      .selectFrom("follows")
      .select("id")
      .where("follower_uri", "=", followerUri)
      .where("followee_uri", "=", targetUri)
      .executeTakeFirst();
    if (already) return true;
    const id = newId();
    const now = s.clock.now().toISOString();
    const status = target.kind === "local" ? "accepted" : "pending";
    await trx
      .insertInto("follows")
      .values({
        id,
        follower_uri: followerUri,
        followee_uri: targetUri,
        follower_account_id: follower.id,
        follower_remote_id: null,
        followee_account_id: target.kind === "local" ? target.account.id : null,
        followee_remote_id: target.kind === "remote" ? target.actor.id : null,
        status,
        activity_uri: followActivityUri(s.origin, id),
        created_at: now,
        accepted_at: status === "accepted" ? now : null,
      })
      .execute();
    if (target.kind === "remote")
      await recordEvent(trx, { type: "federation.follow.requested", payload: { followId: id } });
    else {
      await notify(
        trx,
        {
          accountId: target.account.id,
          type: "follow",
          fromUri: followerUri,
          fromAccountId: follower.id,
        },
        s.clock,
      );
      await backfillHome(trx, follower.id, targetUri);
    }
    return true;
  });
}

/** Where an actor moved, with the new account's address when this node knows it (for pages). */
export async function movedToView(
  s: Pick<SocialContext, "db" | "origin" | "domain">,
  actorUri: string,
): Promise<{ uri: string; handle: string } | null> {
  const target = await movedTo(s.db, actorUri);
  if (!target) return null;
  const prefix = memberPrefix(s.origin);
  if (target.startsWith(prefix))
    return { uri: target, handle: `@${target.slice(prefix.length)}@${s.domain}` };
  const remote = await s.db
    .selectFrom("remote_actors")
    .select(["username", "host"])
    .where("uri", "=", target)
    .executeTakeFirst();
  return { uri: target, handle: remote ? `@${remote.username}@${remote.host}` : target };
}
