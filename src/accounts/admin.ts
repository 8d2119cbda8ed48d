/**
 * What admins and moderators do to the co-op and its members. Every change is
 * written to admin_actions in the same transaction, so the log is complete.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { newId } from "../kernel/ids.ts";
import type { Role } from "./accounts.ts";
import { lockAdmins, otherActiveAdmins } from "./data.ts";
import { locksRows } from "./locking.ts";

export interface AdminAction {
  actorId: string | null;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
}

export async function logAdminAction(
  trx: Kysely<Schema>,
  entry: AdminAction,
  clock: Clock = systemClock,
): Promise<void> {
  await trx
    .insertInto("admin_actions")
    .values({
      id: newId(),
      actor_id: entry.actorId,
      action: entry.action,
      target: entry.target ?? null,
      details: JSON.stringify(entry.details ?? {}),
      created_at: clock.now().toISOString(),
    })
    .execute();
}

export async function listAdminActions(db: Kysely<Schema>, limit = 200) {
  const rows = await db
    .selectFrom("admin_actions")
    .leftJoin("accounts", "accounts.id", "admin_actions.actor_id")
    .select([
      "admin_actions.id",
      "admin_actions.action",
      "admin_actions.target",
      "admin_actions.details",
      "admin_actions.created_at",
      "accounts.username as actor",
    ])
    .orderBy("admin_actions.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}

export async function listApplications(db: Kysely<Schema>) {
  return db
    .selectFrom("applications")
    .innerJoin("accounts", "accounts.id", "applications.account_id")
    .leftJoin("invites", "invites.code", "applications.invite_code")
    .leftJoin("accounts as inviter", "inviter.id", "invites.created_by")
    .select([
      "accounts.id",
      "accounts.username",
      "accounts.email",
      "applications.reason",
      "applications.invite_code",
      "applications.created_at",
      "inviter.username as invitedBy",
    ])
    .where("accounts.status", "=", "pending")
    .orderBy("applications.created_at")
    .execute();
}

export type DecisionFailure = "no-such-application";

/** Approves a pending application: the account becomes active. */
export async function approveApplication(
  db: Kysely<Schema>,
  actorId: string,
  accountId: string,
  clock: Clock = systemClock,
): Promise<{ ok: true; username: string } | { ok: false; reason: DecisionFailure }> {
  return db.transaction().execute(async (trx) => {
    const account = await pendingAccount(trx, accountId);
    if (!account) return { ok: false as const, reason: "no-such-application" as const };
    await trx
      .updateTable("accounts")
      .set({ status: "active", updated_at: clock.now().toISOString() })
      .where("id", "=", accountId)
      .execute();
    await trx.deleteFrom("applications").where("account_id", "=", accountId).execute();
    await logAdminAction(
      trx,
      { actorId, action: "application.approve", target: account.username },
      clock,
    );
    return { ok: true as const, username: account.username };
  });
}

/** Rejects a pending application: the account, never active nor federated, is removed entirely. */
export async function rejectApplication(
  db: Kysely<Schema>,
  actorId: string,
  accountId: string,
  clock: Clock = systemClock,
): Promise<{ ok: true; username: string } | { ok: false; reason: DecisionFailure }> {
  return db.transaction().execute(async (trx) => {
    const account = await pendingAccount(trx, accountId);
    if (!account) return { ok: false as const, reason: "no-such-application" as const };
    await trx.deleteFrom("accounts").where("id", "=", accountId).execute();
    await logAdminAction(
      trx,
      { actorId, action: "application.reject", target: account.username },
      clock,
    );
    return { ok: true as const, username: account.username };
  });
}

function pendingAccount(trx: Kysely<Schema>, accountId: string) {
  return trx
    .selectFrom("accounts")
    .innerJoin("applications", "applications.account_id", "accounts.id")
    .select(["accounts.id", "accounts.username"])
    .where("accounts.id", "=", accountId)
    .where("accounts.status", "=", "pending")
    .$if(locksRows(trx), (q) => q.forUpdate())
    .executeTakeFirst();
}

export type RoleFailure = "no-such-member" | "last-admin";

/** Promotes or demotes an active member; the last admin keeps the role. */
export async function setRole(
  db: Kysely<Schema>,
  actorId: string | null,
  accountId: string,
  role: Role,
  clock: Clock = systemClock,
): Promise<{ ok: true; username: string } | { ok: false; reason: RoleFailure }> {
  return db.transaction().execute(async (trx) => {
    const admins = await lockAdmins(trx);
    const account = await trx
      .selectFrom("accounts")
      .select(["id", "username", "role"])
      .where("id", "=", accountId)
      .where("status", "=", "active")
      .executeTakeFirst();
    if (!account) return { ok: false as const, reason: "no-such-member" as const };
    if (account.role === role) return { ok: true as const, username: account.username };
    if (account.role === "admin" && otherActiveAdmins(admins, accountId) === 0)
      return { ok: false as const, reason: "last-admin" as const };
    await trx
      .updateTable("accounts")
      .set({ role, updated_at: clock.now().toISOString() })
      .where("id", "=", accountId)
      .execute();
    await logAdminAction(
      trx,
      {
        actorId,
        action: "member.role",
        target: account.username,
        details: { from: account.role, to: role },
      },
      clock,
    );
    return { ok: true as const, username: account.username };
  });
}

export async function listMembers(db: Kysely<Schema>) {
  return db
    .selectFrom("accounts")
    .select(["id", "username", "display_name", "email", "role", "status", "created_at"])
    .where("status", "in", ["active", "suspended"])
    .orderBy("username")
    .execute();
}

export async function listInvites(db: Kysely<Schema>) {
  return db
    .selectFrom("invites")
    .leftJoin("accounts", "accounts.id", "invites.created_by")
    .select([
      "invites.code",
      "invites.max_uses",
      "invites.uses",
      "invites.expires_at",
      "invites.created_at",
      "accounts.username as createdBy",
    ])
    .orderBy("invites.created_at", "desc")
    .execute();
}

export async function revokeInvite(
  db: Kysely<Schema>,
  actorId: string,
  code: string,
  clock: Clock = systemClock,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx.deleteFrom("invites").where("code", "=", code).executeTakeFirst();
    if (Number(result.numDeletedRows) !== 1) return false;
    await logAdminAction(
      trx,
      { actorId, action: "invite.revoke", target: code.slice(0, 6) },
      clock,
    );
    return true;
  });
}
