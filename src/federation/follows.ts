/**
 * Follows between members and actors anywhere: request, accept, reject, undo.
 * Every change that other servers must hear of is written together with its
 * outbox event (DESIGN.md, "Durable federation"); relay.ts turns the events into
 * Follow / Accept / Reject / Undo activities. A follow between two members of
 * this node needs no activity at all.
 */
import type { Kysely, Transaction } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import type { Clock } from "../kernel/clock.ts";
import { newId } from "../kernel/ids.ts";
import { followActivityUri, memberUri } from "../kernel/uris.ts";
import { backfillHome, dropFromHome } from "../social/fanout.ts";
import { type NotifyInput, notify } from "../social/notifications.ts";
import type { RemoteActor } from "./remote-actors.ts";

export type LocalAccount = { id: string; username: string };
export type FollowTarget =
  | { kind: "remote"; actor: RemoteActor }
  | { kind: "local"; account: LocalAccount };

export async function manuallyApproves(db: Kysely<Schema>, accountId: string): Promise<boolean> {
  const row = await db
    .selectFrom("follow_policies")
    .select("manually_approves")
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return row?.manually_approves === 1;
}

export async function setManuallyApproves(
  db: Kysely<Schema>,
  accountId: string,
  value: boolean,
): Promise<void> {
  const manually_approves = value ? 1 : 0;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("follow_policies")
      .values({ account_id: accountId, manually_approves })
      .onConflict((oc) => oc.column("account_id").doUpdateSet({ manually_approves }))
      .execute();
    // Followers see the change in the actor's manuallyApprovesFollowers.
    await recordEvent(trx, { type: "accounts.account.updated", payload: { accountId } });
  });
}

export async function follow(
  db: Kysely<Schema>,
  origin: string,
  follower: LocalAccount,
  target: FollowTarget,
  clock: Clock,
): Promise<
  | { ok: true; value: { id: string; status: "pending" | "accepted" } }
  | { ok: false; reason: "self" | "already-following" | "gone" }
> {
  const followerUri = memberUri(origin, follower.username);
  const followeeUri =
    target.kind === "remote" ? target.actor.uri : memberUri(origin, target.account.username);
  if (followeeUri === followerUri) return { ok: false, reason: "self" };
  if (target.kind === "remote" && target.actor.gone) return { ok: false, reason: "gone" };
  const locked =
    target.kind === "local" ? await manuallyApproves(db, target.account.id) : undefined;
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("follows")
      .select("id")
      .where("follower_uri", "=", followerUri)
      .where("followee_uri", "=", followeeUri)
      .executeTakeFirst();
    if (existing) return { ok: false, reason: "already-following" } as const;
    const id = newId();
    const now = clock.now().toISOString();
    // A remote follow waits for the other server's Accept; a local one only for a lock.
    const status = target.kind === "local" && !locked ? "accepted" : "pending";
    await trx
      .insertInto("follows")
      .values({
        id,
        follower_uri: followerUri,
        followee_uri: followeeUri,
        follower_account_id: follower.id,
        follower_remote_id: null,
        followee_account_id: target.kind === "local" ? target.account.id : null,
        followee_remote_id: target.kind === "remote" ? target.actor.id : null,
        status,
        activity_uri: followActivityUri(origin, id),
        created_at: now,
        accepted_at: status === "accepted" ? now : null,
      })
      .execute();
    if (target.kind === "remote")
      await recordEvent(trx, { type: "federation.follow.requested", payload: { followId: id } });
    else {
      await notifyFollow(
        trx,
        { accountId: target.account.id, status, fromUri: followerUri, fromAccountId: follower.id },
        clock,
      );
      if (status === "accepted") await backfillHome(trx, follower.id, followeeUri);
    }
    return { ok: true, value: { id, status } } as const;
  });
}

/** The member followed (or asked to be followed) hears of it (a social notification). */
function notifyFollow(
  trx: Kysely<Schema>,
  input: Omit<NotifyInput, "type"> & { status: "accepted" | "pending" },
  clock: Clock,
) {
  const { status, ...from } = input;
  return notify(trx, { ...from, type: status === "accepted" ? "follow" : "follow_request" }, clock);
}

/** Stops following (or withdraws a request); remote followees get Undo(Follow). */
export async function unfollow(
  db: Kysely<Schema>,
  origin: string,
  follower: LocalAccount,
  followeeUri: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("follows")
      .selectAll()
      .where("follower_uri", "=", memberUri(origin, follower.username))
      .where("followee_uri", "=", followeeUri)
      .executeTakeFirst();
    if (!row) return false;
    await trx.deleteFrom("follows").where("id", "=", row.id).execute();
    await dropFromHome(trx, follower.id, followeeUri);
    if (row.followee_remote_id) {
      await recordEvent(trx, {
        type: "federation.follow.undone",
        payload: {
          followId: row.id,
          followerAccountId: follower.id,
          followeeRemoteId: row.followee_remote_id,
          activityUri: row.activity_uri,
        },
      });
    }
    return true;
  });
}

async function pendingRequest(trx: Transaction<Schema>, accountId: string, followId: string) {
  return trx
    .selectFrom("follows")
    .selectAll()
    .where("id", "=", followId)
    .where("followee_account_id", "=", accountId)
    .where("status", "=", "pending")
    .executeTakeFirst();
}

export async function acceptFollowRequest(
  db: Kysely<Schema>,
  accountId: string,
  followId: string,
  clock: Clock,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await pendingRequest(trx, accountId, followId);
    if (!row) return false;
    await trx
      .updateTable("follows")
      .set({ status: "accepted", accepted_at: clock.now().toISOString() })
      .where("id", "=", row.id)
      .execute();
    if (row.follower_remote_id)
      await recordEvent(trx, { type: "federation.follow.accepted", payload: { followId: row.id } });
    else if (row.follower_account_id)
      await backfillHome(trx, row.follower_account_id, row.followee_uri);
    return true;
  });
}

export async function rejectFollowRequest(
  db: Kysely<Schema>,
  accountId: string,
  followId: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await pendingRequest(trx, accountId, followId);
    if (!row) return false;
    await trx.deleteFrom("follows").where("id", "=", row.id).execute();
    if (row.follower_remote_id) {
      await recordEvent(trx, {
        type: "federation.follow.rejected",
        payload: {
          followId: row.id,
          followeeAccountId: accountId,
          followerRemoteId: row.follower_remote_id,
          activityUri: row.activity_uri,
        },
      });
    }
    return true;
  });
}

/**
 * A remote actor asked to follow a member (inbox). Accepted at once unless the
 * member approves followers by hand. A repeated Follow (servers re-send them)
 * refreshes the activity id and, if already accepted, is accepted again.
 */
export async function receiveFollow(
  db: Kysely<Schema>,
  input: {
    activityUri: string;
    follower: RemoteActor;
    /** null for the co-op's actor, which accepts everyone. */
    followeeAccountId: string | null;
    followeeUri: string;
  },
  clock: Clock,
): Promise<"accepted" | "pending"> {
  const locked = input.followeeAccountId
    ? await manuallyApproves(db, input.followeeAccountId)
    : false;
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("follows")
      .select(["id", "status", "activity_uri"])
      .where("follower_uri", "=", input.follower.uri)
      .where("followee_uri", "=", input.followeeUri)
      .executeTakeFirst();
    // The same Follow delivered again (retries, shared and personal inbox both): nothing to do.
    if (existing?.activity_uri === input.activityUri) return existing.status;
    const now = clock.now().toISOString();
    let id: string;
    let status: "accepted" | "pending";
    if (existing) {
      id = existing.id;
      status = existing.status;
      await trx
        .updateTable("follows")
        .set({ activity_uri: input.activityUri })
        .where("id", "=", id)
        .execute();
    } else {
      id = newId();
      status = locked ? "pending" : "accepted";
      await trx
        .insertInto("follows")
        .values({
          id,
          follower_uri: input.follower.uri,
          followee_uri: input.followeeUri,
          follower_account_id: null,
          follower_remote_id: input.follower.id,
          followee_account_id: input.followeeAccountId,
          followee_remote_id: null,
          status,
          activity_uri: input.activityUri,
          created_at: now,
          accepted_at: status === "accepted" ? now : null,
        })
        .execute();
      if (input.followeeAccountId)
        await notifyFollow(
          trx,
          {
            accountId: input.followeeAccountId,
            status,
            fromUri: input.follower.uri,
            fromRemoteId: input.follower.id,
          },
          clock,
        );
    }
    if (status === "accepted")
      await recordEvent(trx, { type: "federation.follow.accepted", payload: { followId: id } });
    return status;
  });
}

/** The remote followee accepted (Accept(Follow)); matched by Follow id, else by the pair. */
export async function receiveAccept(
  db: Kysely<Schema>,
  input: { followeeUri: string; followActivityUri: string | null },
  clock: Clock,
): Promise<boolean> {
  const result = await db
    .updateTable("follows")
    .set({ status: "accepted", accepted_at: clock.now().toISOString() })
    .where("followee_uri", "=", input.followeeUri)
    .where("follower_account_id", "is not", null)
    .where("status", "=", "pending")
    .where((eb) =>
      input.followActivityUri ? eb("activity_uri", "=", input.followActivityUri) : eb.lit(true),
    )
    .executeTakeFirst();
  const accepted = Number(result.numUpdatedRows) > 0;
  if (accepted) {
    const followers = await db
      .selectFrom("follows")
      .select("follower_account_id")
      .where("followee_uri", "=", input.followeeUri)
      .where("status", "=", "accepted")
      .where("follower_account_id", "is not", null)
      .execute();
    for (const f of followers)
      if (f.follower_account_id) await backfillHome(db, f.follower_account_id, input.followeeUri);
  }
  return accepted;
}

/** The remote followee rejected the request, or removed us as a follower. */
export async function receiveReject(
  db: Kysely<Schema>,
  input: { followeeUri: string; followActivityUri: string | null },
): Promise<boolean> {
  const result = await db
    .deleteFrom("follows")
    .where("followee_uri", "=", input.followeeUri)
    .where("follower_account_id", "is not", null)
    .where((eb) =>
      input.followActivityUri ? eb("activity_uri", "=", input.followActivityUri) : eb.lit(true),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Undo(Follow) from a remote follower. */
export async function receiveUndoFollow(
  db: Kysely<Schema>,
  input: { followerUri: string; followeeUri: string },
): Promise<boolean> {
  const result = await db
    .deleteFrom("follows")
    .where("follower_uri", "=", input.followerUri)
    .where("followee_uri", "=", input.followeeUri)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
