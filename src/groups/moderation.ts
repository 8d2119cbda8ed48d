/**
 * What a group's moderators and admins do to its membership: admit a request,
 * remove (and ban) a member, lift a ban, invite, and (admins only) change
 * roles. Remote actors hear of it through outbox events written in the same
 * transaction (Accept / Reject(Follow), Invite, Add / Remove of a moderator).
 * The acting member's role is read inside the transaction, with the group
 * locked (lockGroup): a moderator demoted or removed a moment ago acts no more,
 * and two admins removing each other at once leave one of them.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { GroupRole } from "../db/schema/groups.ts";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { type GroupsContext, isoNow, type LocalMember, type RemoteActorRef } from "./context.ts";
import { type Group, lockGroup } from "./groups.ts";
import { insertMember } from "./memberships.ts";
import { recordModeration } from "./moderation-log.ts";
import { canModerate, isBanned, memberRow, membershipOf, standingOf } from "./standing.ts";
import { personUri } from "./uris.ts";

export type ModerationProblem = "forbidden" | "not-found" | "not-pending" | "invalid" | "banned";
export type InviteProblem = ModerationProblem | "already-member";

export const ROLES: readonly GroupRole[] = ["member", "moderator", "admin"];
export const MAX_BAN_REASON = 500;

/** A moderator admits a join request: Accept(Follow) for a remote actor. */
export async function approveRequest(
  ctx: GroupsContext,
  by: LocalMember,
  input: { group: Group; memberId: string },
): Promise<Result<{ id: string }, ModerationProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, input.group.id);
    if (!group) return fail("not-found");
    if (!canModerate((await standingOf(trx, ctx.origin, group, by)).role)) return fail("forbidden");
    const row = await memberRow(trx, group.id, input.memberId);
    if (!row) return fail("not-found");
    if (row.status !== "pending") return fail("not-pending");
    return ok(await admit(trx, ctx, group, row));
  });
}

/**
 * A moderator turns down a request or removes a member; with `ban`, the actor
 * is also banned (recorded with who, when and why, and in the moderation log).
 * Remote actors get a Reject(Follow): Mastodon reads a Reject of an accepted
 * Follow as "removed from followers", and Lemmy sends Reject(Follow) to deny or
 * end a private community's membership. Moderators may not remove admins or
 * each other; admins may remove anyone but themselves.
 */
export async function removeMember(
  ctx: GroupsContext,
  by: LocalMember,
  input: { group: Group; memberId: string; ban?: { reason: string } },
): Promise<Result<{ id: string }, ModerationProblem>> {
  const reason = input.ban?.reason.trim();
  if (reason !== undefined && reason.length > MAX_BAN_REASON) return fail("invalid");
  const byUri = personUri(ctx.origin, by.username);
  return ctx.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, input.group.id);
    if (!group) return fail("not-found");
    const role = (await standingOf(trx, ctx.origin, group, by)).role;
    if (!canModerate(role)) return fail("forbidden");
    const row = await memberRow(trx, group.id, input.memberId);
    if (!row) return fail("not-found");
    if (row.actor_uri === byUri) return fail("invalid");
    if (role !== "admin" && canModerate(row.role) && row.status === "active")
      return fail("forbidden");
    await trx.deleteFrom("group_members").where("id", "=", row.id).execute();
    await trx
      .deleteFrom("group_delegates")
      .where("group_id", "=", group.id)
      .where("coop_uri", "=", row.actor_uri)
      .execute();
    if (row.remote_id && row.follow_activity_uri)
      await recordEvent(trx, {
        type: "groups.member.removed",
        payload: {
          groupId: group.id,
          remoteId: row.remote_id,
          actorUri: row.actor_uri,
          followActivityUri: row.follow_activity_uri,
        },
      });
    if (canModerate(row.role) && row.status === "active")
      await recordEvent(trx, {
        type: "groups.moderator.removed",
        payload: { groupId: group.id, actorUri: row.actor_uri },
      });
    if (reason !== undefined) {
      const at = isoNow(ctx);
      await trx
        .insertInto("group_bans")
        .values({
          group_id: group.id,
          actor_uri: row.actor_uri,
          banned_by: byUri,
          reason,
          created_at: at,
        })
        .onConflict((oc) => oc.columns(["group_id", "actor_uri"]).doNothing())
        .execute();
      await recordModeration(trx, {
        groupId: group.id,
        action: "ban",
        moderatorUri: byUri,
        targetUri: row.actor_uri,
        reason,
        at,
      });
    }
    return ok({ id: row.id });
  });
}

/** A moderator lifts a ban: the actor may follow or ask again. */
export async function unban(
  ctx: GroupsContext,
  by: LocalMember,
  input: { group: Group; actorUri: string },
): Promise<Result<null, ModerationProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, input.group.id);
    if (!group) return fail("not-found");
    if (!canModerate((await standingOf(trx, ctx.origin, group, by)).role)) return fail("forbidden");
    const result = await trx
      .deleteFrom("group_bans")
      .where("group_id", "=", group.id)
      .where("actor_uri", "=", input.actorUri)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) return fail("not-found");
    await recordModeration(trx, {
      groupId: group.id,
      action: "unban",
      moderatorUri: personUri(ctx.origin, by.username),
      targetUri: input.actorUri,
      at: isoNow(ctx),
    });
    return ok(null);
  });
}

/**
 * Group admins change roles. Becoming or ceasing to be a moderator changes the
 * group's attributedTo collection, announced as Add / Remove (FEP-1b12).
 */
export async function setRole(
  ctx: GroupsContext,
  by: LocalMember,
  input: { group: Group; memberId: string; role: GroupRole },
): Promise<Result<{ id: string }, ModerationProblem>> {
  if (!ROLES.includes(input.role)) return fail("invalid");
  return ctx.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, input.group.id);
    if (!group) return fail("not-found");
    if ((await standingOf(trx, ctx.origin, group, by)).role !== "admin") return fail("forbidden");
    const row = await memberRow(trx, group.id, input.memberId);
    if (row?.status !== "active") return fail("not-found");
    if (row.actor_kind !== "person") return fail("invalid");
    if (row.role === input.role) return ok({ id: row.id });
    await trx
      .updateTable("group_members")
      .set({ role: input.role, updated_at: isoNow(ctx) })
      .where("id", "=", row.id)
      .execute();
    const was = canModerate(row.role);
    const is = canModerate(input.role);
    if (was !== is)
      await recordEvent(trx, {
        type: is ? "groups.moderator.added" : "groups.moderator.removed",
        payload: { groupId: group.id, actorUri: row.actor_uri },
      });
    return ok({ id: row.id });
  });
}

export type InviteTarget =
  | { kind: "local"; account: { id: string; username: string } }
  | ({ kind: "remote" } & RemoteActorRef);

/**
 * Invites a local member or a remote actor. An invitation is approval given in
 * advance: the invitee joins (or, remotely, follows) and is in at once.
 */
export async function invite(
  ctx: GroupsContext,
  by: LocalMember,
  input: { group: Group; target: InviteTarget },
): Promise<Result<{ id: string }, InviteProblem>> {
  const { target } = input;
  if (input.group.kind === "assembly") return fail("invalid");
  const actorUri =
    target.kind === "local" ? personUri(ctx.origin, target.account.username) : target.uri;
  return ctx.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, input.group.id);
    if (!group) return fail("not-found");
    if (!canModerate((await standingOf(trx, ctx.origin, group, by)).role)) return fail("forbidden");
    if (await isBanned(trx, group.id, actorUri)) return fail("banned");
    const row = await membershipOf(trx, group.id, actorUri);
    if (row?.status === "active") return fail("already-member");
    if (row?.status === "pending") {
      // Inviting someone who asked is admitting them.
      return ok(await admit(trx, ctx, group, row));
    }
    if (row) return ok({ id: row.id });
    const memberId = await insertMember(trx, isoNow(ctx), {
      group_id: group.id,
      actor_uri: actorUri,
      account_id: target.kind === "local" ? target.account.id : null,
      remote_id: target.kind === "remote" ? target.remoteId : null,
      actor_kind:
        target.kind === "remote" && group.kind === "federation" && target.type === "Organization"
          ? "coop"
          : "person",
      role: "member",
      status: "invited",
      follow_activity_uri: null,
    });
    // A remote invitee hears of it: Invite{actor: the Group, object: the Group, target: them}.
    if (target.kind === "remote")
      await recordEvent(trx, {
        type: "groups.member.invited",
        payload: { groupId: group.id, memberId },
      });
    return ok({ id: memberId });
  });
}

/** A request becomes a membership; a remote member is told (Accept). */
async function admit(
  trx: Kysely<Schema>,
  ctx: GroupsContext,
  group: Group,
  row: { id: string; remote_id: string | null },
): Promise<{ id: string }> {
  await trx
    .updateTable("group_members")
    .set({ status: "active", updated_at: isoNow(ctx) })
    .where("id", "=", row.id)
    .execute();
  if (row.remote_id)
    await recordEvent(trx, {
      type: "groups.member.accepted",
      payload: { groupId: group.id, memberId: row.id },
    });
  return { id: row.id };
}
