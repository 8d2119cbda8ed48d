/**
 * Joining and leaving a group: a local member joins (at once, or as a request a
 * moderator answers when the group is moderated; an invitation admits at once)
 * or leaves; a remote actor joins by following the Group actor (FEP-1b12) and
 * leaves by undoing it, and answers an invitation. The answers to a Follow
 * (Accept, Reject) are outbox events written in the same transaction as the
 * change. Every verb reads the group, the ban list and the actor's row inside
 * its transaction, with the group locked (lockGroup), so two joins of one actor
 * leave one row and a ban cannot be overtaken by a join.
 * What moderators do (admit, remove, ban, roles, invitations) is moderation.ts.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { notifyGroupModerators } from "../social/staff-notices.ts";
import { type GroupsContext, isoNow, type LocalMember, type RemoteActorRef } from "./context.ts";
import { type Group, lockGroup } from "./groups.ts";
import { canModerate, isBanned, type Membership, memberRow, membershipOf } from "./standing.ts";
import { personUri } from "./uris.ts";

// What other files have long imported from here.
export {
  canModerate,
  isBanned,
  type Membership,
  membershipOf,
  standingOf,
} from "./standing.ts";
export type { LocalMember };

/** A new membership row, stamped `at`. */
export async function insertMember(
  trx: Kysely<Schema>,
  at: string,
  values: Omit<Membership, "id" | "created_at" | "updated_at">,
): Promise<string> {
  const id = newId();
  await trx
    .insertInto("group_members")
    .values({ id, ...values, created_at: at, updated_at: at })
    .execute();
  return id;
}

export type JoinProblem =
  | "not-found"
  | "assembly"
  | "already-member"
  | "already-requested"
  | "banned";

/** A local member joins (or asks to, in a moderated group); an invitation admits at once. */
export async function joinGroup(
  ctx: GroupsContext,
  member: LocalMember,
  input: { group: Group },
): Promise<Result<"active" | "pending", JoinProblem>> {
  if (input.group.kind === "assembly") return fail("assembly");
  const uri = personUri(ctx.origin, member.username);
  return ctx.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, input.group.id);
    if (!group) return fail("not-found");
    if (await isBanned(trx, group.id, uri)) return fail("banned");
    const row = await membershipOf(trx, group.id, uri);
    if (row?.status === "active") return fail("already-member");
    if (row?.status === "pending") return fail("already-requested");
    if (row?.status === "invited") {
      await trx
        .updateTable("group_members")
        .set({ status: "active", updated_at: isoNow(ctx) })
        .where("id", "=", row.id)
        .execute();
      return ok("active" as const);
    }
    const status = group.moderated ? "pending" : "active";
    await insertMember(trx, isoNow(ctx), {
      group_id: group.id,
      actor_uri: uri,
      account_id: member.id,
      remote_id: null,
      actor_kind: "person",
      role: "member",
      status,
      follow_activity_uri: null,
    });
    if (status === "pending")
      await notifyGroupModerators(
        trx,
        { groupId: group.id, fromUri: uri, fromAccountId: member.id },
        ctx.clock,
      );
    return ok(status);
  });
}

export type LeaveProblem = "assembly" | "not-a-member";

/** A local member leaves, withdraws a request or declines an invitation. */
export async function leaveGroup(
  ctx: GroupsContext,
  member: LocalMember,
  input: { group: Group },
): Promise<Result<{ id: string }, LeaveProblem>> {
  if (input.group.kind === "assembly") return fail("assembly");
  return ctx.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, input.group.id);
    const row =
      group && (await membershipOf(trx, group.id, personUri(ctx.origin, member.username)));
    if (!row) return fail("not-a-member");
    await trx.deleteFrom("group_members").where("id", "=", row.id).execute();
    if (canModerate(row.role) && row.status === "active")
      await recordEvent(trx, {
        type: "groups.moderator.removed",
        payload: { groupId: row.group_id, actorUri: row.actor_uri },
      });
    return ok({ id: row.id });
  });
}

export type ReceiveJoinProblem = "not-found" | "assembly" | "banned";

/**
 * A remote actor's Follow of the Group (FEP-1b12 joining). Accepted at once
 * unless the group is moderated; an invitation counts as approval. A co-op's
 * Organization following a federation becomes a member co-op. The same Follow
 * delivered again changes nothing. A banned actor gets Reject(Follow) and no
 * request is kept.
 */
export async function receiveJoin(
  ctx: GroupsContext,
  actor: RemoteActorRef,
  input: { group: Group; activityUri: string },
): Promise<Result<"active" | "pending", ReceiveJoinProblem>> {
  if (input.group.kind === "assembly") return fail("assembly");
  return ctx.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, input.group.id);
    if (!group) return fail("not-found");
    if (await isBanned(trx, group.id, actor.uri)) {
      await recordEvent(trx, {
        type: "groups.member.removed",
        payload: {
          groupId: group.id,
          remoteId: actor.remoteId,
          actorUri: actor.uri,
          followActivityUri: input.activityUri,
        },
      });
      return fail("banned");
    }
    const at = isoNow(ctx);
    const row = await membershipOf(trx, group.id, actor.uri);
    let status: "active" | "pending";
    let memberId: string;
    if (row && row.status !== "invited") {
      const standing = row.status as "active" | "pending";
      if (row.follow_activity_uri === input.activityUri) return ok(standing);
      status = standing;
      memberId = row.id;
      await trx
        .updateTable("group_members")
        .set({ follow_activity_uri: input.activityUri, updated_at: at })
        .where("id", "=", row.id)
        .execute();
    } else if (row) {
      status = "active";
      memberId = row.id;
      await trx
        .updateTable("group_members")
        .set({ status, follow_activity_uri: input.activityUri, updated_at: at })
        .where("id", "=", row.id)
        .execute();
    } else {
      status = group.moderated ? "pending" : "active";
      memberId = await insertMember(trx, at, {
        group_id: group.id,
        actor_uri: actor.uri,
        account_id: null,
        remote_id: actor.remoteId,
        actor_kind:
          group.kind === "federation" && actor.type === "Organization" ? "coop" : "person",
        role: "member",
        status,
        follow_activity_uri: input.activityUri,
      });
      if (status === "pending")
        await notifyGroupModerators(
          trx,
          { groupId: group.id, fromUri: actor.uri, fromRemoteId: actor.remoteId },
          ctx.clock,
        );
    }
    if (status === "active")
      await recordEvent(trx, {
        type: "groups.member.accepted",
        payload: { groupId: group.id, memberId },
      });
    return ok(status);
  });
}

/** Undo(Follow) of the Group: the remote actor left (or withdrew its request). */
export async function receiveLeave(
  ctx: Pick<GroupsContext, "db">,
  actor: Pick<RemoteActorRef, "uri">,
  input: { group: Group },
): Promise<Result<{ id: string }, "not-a-member">> {
  return ctx.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, input.group.id);
    const row = group && (await membershipOf(trx, group.id, actor.uri));
    if (!row) return fail("not-a-member");
    await trx.deleteFrom("group_members").where("id", "=", row.id).execute();
    // A member co-op's delegates go with it.
    await trx
      .deleteFrom("group_delegates")
      .where("group_id", "=", row.group_id)
      .where("coop_uri", "=", actor.uri)
      .execute();
    return ok({ id: row.id });
  });
}

/**
 * A remote invitee answers our Invite: Accept admits them (the invitation was
 * approval), Reject declines it (the invitation is dropped). Only the invited
 * actor's own answer counts, and only while the invitation stands.
 */
export async function receiveInviteAnswer(
  ctx: GroupsContext,
  actor: Pick<RemoteActorRef, "uri">,
  input: { group: Group; memberId: string; accept: boolean },
): Promise<Result<"admitted" | "declined", "not-invited" | "banned">> {
  return ctx.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, input.group.id);
    const row = group && (await memberRow(trx, group.id, input.memberId));
    if (row?.status !== "invited" || row.actor_uri !== actor.uri) return fail("not-invited");
    if (await isBanned(trx, row.group_id, actor.uri)) return fail("banned");
    if (!input.accept) {
      await trx.deleteFrom("group_members").where("id", "=", row.id).execute();
      return ok("declined" as const);
    }
    await trx
      .updateTable("group_members")
      .set({ status: "active", updated_at: isoNow(ctx) })
      .where("id", "=", row.id)
      .execute();
    return ok("admitted" as const);
  });
}
