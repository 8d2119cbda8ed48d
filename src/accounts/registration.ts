/**
 * Joining the co-op, in the mode the co-op chose:
 * - closed: nobody signs up here (admins can still create accounts);
 * - invite: a valid invite code is needed; the account is active at once;
 * - approval: the applicant writes why they want to join and waits for an
 *   admin or moderator; an invite code, if given, is shown with the application;
 * - open: anyone signs up.
 * With mail configured the address must also be confirmed before logging in.
 */
import type { Kysely } from "kysely";
import type { RegistrationMode } from "../config.ts";
import type { Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { type CreateAccountFailure, checkNewAccount, insertAccount } from "./accounts.ts";
import { checkInvite, consumeInvite, type InviteProblem } from "./invites.ts";
import { hashPassword } from "./passwords.ts";

export const MAX_REASON = 1000;

export interface Registration {
  username: string;
  email: string;
  password: string;
  invite: string;
  reason: string;
  language: string;
}

export type RegistrationField = "username" | "email" | "password" | "invite" | "reason";
export type RegistrationProblem = CreateAccountFailure | InviteProblem | "reason";

export type RegistrationResult =
  | {
      ok: true;
      value: { id: string; username: string; status: "active" | "pending"; verifyEmail: boolean };
    }
  | { ok: false; reason: "closed" }
  | {
      ok: false;
      reason: "invalid";
      problems: Partial<Record<RegistrationField, RegistrationProblem>>;
    };

export async function register(
  db: Kysely<Schema>,
  input: Registration,
  options: {
    mode: RegistrationMode;
    passwordCost: number;
    verifyEmail: boolean;
    clock?: Clock;
    /** Called in the transaction that records an application (the staff are told: social/staff-notices.ts). */
    onApplication?: (
      trx: Kysely<Schema>,
      applicant: { id: string; username: string },
    ) => Promise<void>;
  },
): Promise<RegistrationResult> {
  const { mode } = options;
  if (mode === "closed") return { ok: false, reason: "closed" };
  const now = (options.clock ?? systemClock).now();
  const problems: Partial<Record<RegistrationField, RegistrationProblem>> = await checkNewAccount(
    db,
    input,
  );
  const invite = input.invite.trim();
  if (mode === "invite" || (mode === "approval" && invite)) {
    const problem = invite ? await checkInvite(db, invite, now) : "unknown-invite";
    if (problem) problems.invite = problem;
  }
  const reason = input.reason.trim();
  if (mode === "approval" && (reason.length === 0 || reason.length > MAX_REASON))
    problems.reason = "reason";
  if (Object.keys(problems).length > 0) return { ok: false, reason: "invalid", problems };

  const status = mode === "approval" ? "pending" : "active";
  const usesInvite = mode === "invite" || mode === "approval" ? invite : "";
  // Hashing happens before the transaction: it takes real time and SQLite has one connection.
  const passwordHash = await hashPassword(input.password, options.passwordCost);
  try {
    const id = await db.transaction().execute(async (trx) => {
      if (usesInvite && !(await consumeInvite(trx, usesInvite, now))) return undefined;
      const id = await insertAccount(trx, { ...input, passwordHash, status, role: "member" }, now);
      if (status === "pending") {
        await trx
          .insertInto("applications")
          .values({
            account_id: id,
            reason,
            invite_code: usesInvite || null,
            created_at: now.toISOString(),
          })
          .execute();
        await options.onApplication?.(trx, { id, username: input.username.trim() });
      }
      if (options.verifyEmail) {
        await trx
          .insertInto("email_verifications")
          .values({ account_id: id, created_at: now.toISOString() })
          .execute();
      }
      return id;
    });
    // Someone else used the invite's last use between the check and the write.
    if (!id) return { ok: false, reason: "invalid", problems: { invite: "invite-used-up" } };
    return {
      ok: true,
      value: { id, username: input.username.trim(), status, verifyEmail: options.verifyEmail },
    };
  } catch {
    // Lost a race with another sign-up for the same name or address.
    const again = await checkNewAccount(db, input);
    return {
      ok: false,
      reason: "invalid",
      problems: again.username || again.email ? again : { username: "username-taken" },
    };
  }
}
