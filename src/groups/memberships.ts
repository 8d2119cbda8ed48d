/**
 * Who belongs to a group and with which role: joining (at once, or as a request
 * a moderator answers when the group is moderated), invitations, leaving, roles
 * and removal. A remote actor joins by following the Group actor (FEP-1b12); the
 * answers to it (Accept, Reject) and changes of moderators (Add/Remove to the
 * group's attributedTo collection) are outbox events, written in the same
 * transaction as the change.
 */
import type { Kysely, Selectable } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { GroupMembersTable, GroupRole } from "../db/schema/groups.ts";
import type { Schema } from "../db/schema.ts";
import { newId } from "../kernel/ids.ts";
import type { Group } from "./groups.ts";
import { personUri } from "./uris.ts";

export type Membership = Selectable<GroupMembersTable>;
export type LocalMember = { id: string; username: string; role?: "admin" | "moderator" | "member" };

export const canModerate = (role: GroupRole | null | undefined) =>
  role === "admin" || role === "moderator";

/** The row of an actor in a group, if any. */
export function membershipOf(db: Kysely<Schema>, groupId: string, actorUri: string) {
  return db
    .selectFrom("group_members")
    .selectAll()
    .where("group_id", "=", groupId)
    .where("actor_uri", "=", actorUri)
    .executeTakeFirst();
}

/**
 * A local member's standing in a group. Every active member of the node is in
 * the assembly, with the node's role unless the assembly gave them another.
 */
export async function standingOf(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  member: LocalMember,
): Promise<{ status: Membership["status"] | null; role: GroupRole | null; row?: Membership }> {
  const row = await membershipOf(db, group.id, personUri(origin, member.username));
  if (group.kind === "assembly") {
    const account = await db
      .selectFrom("accounts")
      .select(["status", "role"])
      .where("id", "=", member.id)
      .executeTakeFirst();
    if (account?.status !== "active") return { status: null, role: null };
    return { status: "active", role: row?.role ?? account.role, ...(row ? { row } : {}) };
  }
  if (!row) return { status: null, role: null };
  return { status: row.status, role: row.status === "active" ? row.role : null, row };
}

const now = () => new Date().toISOString();

async function insertMember(
  db: Kysely<Schema>,
  values: Omit<Membership, "id" | "created_at" | "updated_at">,
): Promise<string> {
  const id = newId();
  const at = now();
  await db
    .insertInto("group_members")
    .values({ id, ...values, created_at: at, updated_at: at })
    .execute();
  return id;
}

export type JoinResult =
  | { ok: true; value: "active" | "pending" }
  | { ok: false; reason: "assembly" | "already-member" | "already-requested" | "banned" };

/** A local member joins (or asks to, in a moderated group); an invitation admits at once. */
export async function joinGroup(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  member: LocalMember,
): Promise<JoinResult> {
  if (group.kind === "assembly") return { ok: false, reason: "assembly" };
  const uri = personUri(origin, member.username);
  return db.transaction().execute(async (trx) => {
    if (await isBanned(trx, group.id, uri)) return { ok: false, reason: "banned" } as const;
    const row = await membershipOf(trx, group.id, uri);
    if (row?.status === "active") return { ok: false, reason: "already-member" } as const;
    if (row?.status === "pending") return { ok: false, reason: "already-requested" } as const;
    if (row?.status === "invited") {
      await trx
        .updateTable("group_members")
        .set({ status: "active", updated_at: now() })
        .where("id", "=", row.id)
        .execute();
      return { ok: true, value: "active" } as const;
    }
    const status = group.moderated ? "pending" : "active";
    await insertMember(trx, {
      group_id: group.id,
      actor_uri: uri,
      account_id: member.id,
      remote_id: null,
      actor_kind: "person",
      role: "member",
      status,
      follow_activity_uri: null,
    });
    return { ok: true, value: status } as const;
  });
}

/** A local member leaves, withdraws a request or declines an invitation. */
export async function leaveGroup(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  member: LocalMember,
): Promise<boolean> {
  if (group.kind === "assembly") return false;
  return db.transaction().execute(async (trx) => {
    const row = await membershipOf(trx, group.id, personUri(origin, member.username));
    if (!row) return false;
    await trx.deleteFrom("group_members").where("id", "=", row.id).execute();
    if (canModerate(row.role) && row.status === "active")
      await recordEvent(trx, {
        type: "groups.moderator.removed",
        payload: { groupId: group.id, actorUri: row.actor_uri },
      });
    return true;
  });
}

/**
 * A remote actor's Follow of the Group (FEP-1b12 joining). Accepted at once
 * unless the group is moderated; an invitation counts as approval. A co-op's
 * Organization following a federation becomes a member co-op. The same Follow
 * delivered again changes nothing.
 */
export async function receiveJoin(
  db: Kysely<Schema>,
  group: Group,
  input: { actorUri: string; remoteId: string; actorType: string; activityUri: string },
): Promise<"active" | "pending" | "refused"> {
  if (group.kind === "assembly") return "refused";
  const actorKind =
    group.kind === "federation" && input.actorType === "Organization" ? "coop" : "person";
  return db.transaction().execute(async (trx) => {
    if (await isBanned(trx, group.id, input.actorUri)) {
      // Banned: Reject(Follow), and no request is kept.
      await recordEvent(trx, {
        type: "groups.member.removed",
        payload: {
          groupId: group.id,
          remoteId: input.remoteId,
          actorUri: input.actorUri,
          followActivityUri: input.activityUri,
        },
      });
      return "refused" as const;
    }
    const row = await membershipOf(trx, group.id, input.actorUri);
    let status: "active" | "pending";
    let memberId: string;
    if (row && row.status !== "invited") {
      if (row.follow_activity_uri === input.activityUri) return row.status as "active" | "pending";
      status = row.status as "active" | "pending";
      memberId = row.id;
      await trx
        .updateTable("group_members")
        .set({ follow_activity_uri: input.activityUri, updated_at: now() })
        .where("id", "=", row.id)
        .execute();
    } else if (row) {
      status = "active";
      memberId = row.id;
      await trx
        .updateTable("group_members")
        .set({ status, follow_activity_uri: input.activityUri, updated_at: now() })
        .where("id", "=", row.id)
        .execute();
    } else {
      status = group.moderated ? "pending" : "active";
      memberId = await insertMember(trx, {
        group_id: group.id,
        actor_uri: input.actorUri,
        account_id: null,
        remote_id: input.remoteId,
        actor_kind: actorKind,
        role: "member",
        status,
        follow_activity_uri: input.activityUri,
      });
    }
    if (status === "active")
      await recordEvent(trx, {
        type: "groups.member.accepted",
        payload: { groupId: group.id, memberId },
      });
    return status as "active" | "pending";
  });
}

/** Undo(Follow) of the Group: the remote actor left (or withdrew its request). */
export async function receiveLeave(
  db: Kysely<Schema>,
  group: Group,
  actorUri: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await membershipOf(trx, group.id, actorUri);
    if (!row) return false;
    await trx.deleteFrom("group_members").where("id", "=", row.id).execute();
    await trx
      .deleteFrom("group_delegates")
      .where("group_id", "=", group.id)
      .where("coop_uri", "=", actorUri)
      .execute();
    return true;
  });
}

export type ModerationFailure = "forbidden" | "not-found" | "not-pending" | "invalid" | "banned";

/** The group-level role of whoever acts; null when they are not an active member. */
async function actingRole(db: Kysely<Schema>, origin: string, group: Group, by: LocalMember) {
  return (await standingOf(db, origin, group, by)).role;
}

async function memberRow(db: Kysely<Schema>, group: Group, memberId: string) {
  return db
    .selectFrom("group_members")
    .selectAll()
    .where("id", "=", memberId)
    .where("group_id", "=", group.id)
    .executeTakeFirst();
}

/** A moderator admits a join request: Accept(Follow) for a remote actor. */
export async function approveRequest(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  memberId: string,
  by: LocalMember,
): Promise<{ ok: true } | { ok: false; reason: ModerationFailure }> {
  if (!canModerate(await actingRole(db, origin, group, by)))
    return { ok: false, reason: "forbidden" };
  return db.transaction().execute(async (trx) => {
    const row = await memberRow(trx, group, memberId);
    if (!row) return { ok: false, reason: "not-found" } as const;
    if (row.status !== "pending") return { ok: false, reason: "not-pending" } as const;
    await trx
      .updateTable("group_members")
      .set({ status: "active", updated_at: now() })
      .where("id", "=", row.id)
      .execute();
    if (row.remote_id)
      await recordEvent(trx, {
        type: "groups.member.accepted",
        payload: { groupId: group.id, memberId: row.id },
      });
    return { ok: true } as const;
  });
}

/**
 * A moderator turns down a request or removes a member. Remote actors get a
 * Reject(Follow): Mastodon reads a Reject of an accepted Follow as "removed from
 * followers", and Lemmy sends Reject(Follow) to deny or end a private
 * community's membership. Moderators may not remove admins or each other;
 * admins may remove anyone but themselves.
 */
export async function removeMember(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  memberId: string,
  by: LocalMember,
  ban?: { reason: string },
): Promise<{ ok: true } | { ok: false; reason: ModerationFailure }> {
  const role = await actingRole(db, origin, group, by);
  if (!canModerate(role)) return { ok: false, reason: "forbidden" };
  if (ban && ban.reason.length > 500) return { ok: false, reason: "invalid" };
  return db.transaction().execute(async (trx) => {
    const row = await memberRow(trx, group, memberId);
    if (!row) return { ok: false, reason: "not-found" } as const;
    if (row.actor_uri === personUri(origin, by.username))
      return { ok: false, reason: "invalid" } as const;
    if (role !== "admin" && canModerate(row.role) && row.status === "active")
      return { ok: false, reason: "forbidden" } as const;
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
    if (ban) {
      const at = now();
      const byUri = personUri(origin, by.username);
      await trx
        .insertInto("group_bans")
        .values({
          group_id: group.id,
          actor_uri: row.actor_uri,
          banned_by: byUri,
          reason: ban.reason.trim(),
          created_at: at,
        })
        .onConflict((oc) => oc.columns(["group_id", "actor_uri"]).doNothing())
        .execute();
      await logModeration(trx, group.id, "ban", byUri, row.actor_uri, ban.reason.trim());
    }
    return { ok: true } as const;
  });
}

/** Is this actor banned from the group? */
export async function isBanned(db: Kysely<Schema>, groupId: string, actorUri: string) {
  return !!(await db
    .selectFrom("group_bans")
    .select("actor_uri")
    .where("group_id", "=", groupId)
    .where("actor_uri", "=", actorUri)
    .executeTakeFirst());
}

/** An entry of the group's moderation log, in the transaction of the change. */
export async function logModeration(
  trx: Kysely<Schema>,
  groupId: string,
  action: "ban" | "unban" | "delete" | "hide" | "unhide" | "dismiss",
  moderatorUri: string,
  targetUri: string,
  reason = "",
) {
  await trx
    .insertInto("group_moderation_log")
    .values({
      id: newId(),
      group_id: groupId,
      action,
      moderator_uri: moderatorUri,
      target_uri: targetUri,
      reason: reason.slice(0, 500),
      created_at: now(),
    })
    .execute();
}

/** A moderator lifts a ban: the actor may follow or ask again. */
export async function unban(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  actorUri: string,
  by: LocalMember,
): Promise<{ ok: true } | { ok: false; reason: ModerationFailure }> {
  if (!canModerate(await actingRole(db, origin, group, by)))
    return { ok: false, reason: "forbidden" };
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .deleteFrom("group_bans")
      .where("group_id", "=", group.id)
      .where("actor_uri", "=", actorUri)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) return { ok: false, reason: "not-found" } as const;
    await logModeration(trx, group.id, "unban", personUri(origin, by.username), actorUri);
    return { ok: true } as const;
  });
}

/** The group's bans, newest first (for its moderators). */
export function listBans(db: Kysely<Schema>, groupId: string) {
  return db
    .selectFrom("group_bans")
    .selectAll()
    .where("group_id", "=", groupId)
    .orderBy("created_at", "desc")
    .execute();
}

/** The group's moderation log, newest first (for its moderators). */
export function moderationLog(db: Kysely<Schema>, groupId: string, limit = 100) {
  return db
    .selectFrom("group_moderation_log")
    .selectAll()
    .where("group_id", "=", groupId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/**
 * Group admins change roles. Becoming or ceasing to be a moderator changes the
 * group's attributedTo collection, announced as Add / Remove (FEP-1b12).
 */
export async function setRole(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  memberId: string,
  role: GroupRole,
  by: LocalMember,
): Promise<{ ok: true } | { ok: false; reason: ModerationFailure }> {
  if ((await actingRole(db, origin, group, by)) !== "admin")
    return { ok: false, reason: "forbidden" };
  return db.transaction().execute(async (trx) => {
    const row = await memberRow(trx, group, memberId);
    if (row?.status !== "active") return { ok: false, reason: "not-found" } as const;
    if (row.actor_kind !== "person") return { ok: false, reason: "invalid" } as const;
    if (row.role === role) return { ok: true } as const;
    await trx
      .updateTable("group_members")
      .set({ role, updated_at: now() })
      .where("id", "=", row.id)
      .execute();
    const was = canModerate(row.role);
    const is = canModerate(role);
    if (was !== is)
      await recordEvent(trx, {
        type: is ? "groups.moderator.added" : "groups.moderator.removed",
        payload: { groupId: group.id, actorUri: row.actor_uri },
      });
    return { ok: true } as const;
  });
}

/**
 * Invites a local member or a remote actor. An invitation is approval given in
 * advance: the invitee joins (or, remotely, follows) and is in at once.
 */
export async function invite(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  target:
    | { kind: "local"; account: { id: string; username: string } }
    | { kind: "remote"; actorUri: string; remoteId: string; actorType: string },
  by: LocalMember,
): Promise<{ ok: true } | { ok: false; reason: ModerationFailure | "already-member" }> {
  if (group.kind === "assembly") return { ok: false, reason: "invalid" };
  if (!canModerate(await actingRole(db, origin, group, by)))
    return { ok: false, reason: "forbidden" };
  const actorUri =
    target.kind === "local" ? personUri(origin, target.account.username) : target.actorUri;
  return db.transaction().execute(async (trx) => {
    if (await isBanned(trx, group.id, actorUri)) return { ok: false, reason: "banned" } as const;
    const row = await membershipOf(trx, group.id, actorUri);
    if (row?.status === "active") return { ok: false, reason: "already-member" } as const;
    if (row?.status === "pending") {
      // Inviting someone who asked is admitting them.
      await trx
        .updateTable("group_members")
        .set({ status: "active", updated_at: now() })
        .where("id", "=", row.id)
        .execute();
      if (row.remote_id)
        await recordEvent(trx, {
          type: "groups.member.accepted",
          payload: { groupId: group.id, memberId: row.id },
        });
      return { ok: true } as const;
    }
    if (row) return { ok: true } as const;
    const kind =
      target.kind === "remote" && group.kind === "federation" && target.actorType === "Organization"
        ? "coop"
        : "person";
    const memberId = await insertMember(trx, {
      group_id: group.id,
      actor_uri: actorUri,
      account_id: target.kind === "local" ? target.account.id : null,
      remote_id: target.kind === "remote" ? target.remoteId : null,
      actor_kind: kind,
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
    return { ok: true } as const;
  });
}

/**
 * A remote invitee answers our Invite: Accept admits them (the invitation was
 * approval), Reject declines it (the invitation is dropped). Only the invited
 * actor's own answer counts, and only while the invitation stands.
 */
export async function receiveInviteAnswer(
  db: Kysely<Schema>,
  group: Group,
  input: { memberId: string; actorUri: string; accept: boolean },
): Promise<"admitted" | "declined" | "ignored"> {
  return db.transaction().execute(async (trx) => {
    const row = await memberRow(trx, group, input.memberId);
    if (row?.status !== "invited" || row.actor_uri !== input.actorUri) return "ignored" as const;
    if (await isBanned(trx, group.id, input.actorUri)) return "ignored" as const;
    if (!input.accept) {
      await trx.deleteFrom("group_members").where("id", "=", row.id).execute();
      return "declined" as const;
    }
    await trx
      .updateTable("group_members")
      .set({ status: "active", updated_at: now() })
      .where("id", "=", row.id)
      .execute();
    return "admitted" as const;
  });
}
