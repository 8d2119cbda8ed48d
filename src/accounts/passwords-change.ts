/**
 * Changing a password, by the member (knowing the current one) or through a
 * one-time reset link (mailed, or issued by an admin). Either way other
 * sessions and every app token end (sessions.ts revokeCredentials): whoever
 * knew the old password is logged out, apps included.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { passwordSchema } from "./accounts.ts";
import { checkPasswordInSession, type SessionGuard } from "./password-checks.ts";
import { hashPassword } from "./passwords.ts";
import { revokeCredentials } from "./sessions.ts";
import { consumeAccountToken, peekAccountToken } from "./tokens.ts";

export type PasswordProblem = "wrong-password" | "invalid-password" | "mismatch";

export function checkNewPassword(
  password: string,
  confirmation: string,
): "invalid-password" | "mismatch" | undefined {
  if (!passwordSchema.safeParse(password).success) return "invalid-password";
  if (password !== confirmation) return "mismatch";
  return undefined;
}

export async function changePassword(
  db: Kysely<Schema>,
  accountId: string,
  input: { current: string; password: string; confirmation: string },
  options: { passwordCost: number; guard: SessionGuard; clock?: Clock },
): Promise<
  | { ok: true }
  | {
      ok: false;
      problems: Partial<Record<"current" | "password" | "confirmation", PasswordProblem>>;
    }
  | { ok: false; retryAfterMs: number }
> {
  const account = await db
    .selectFrom("accounts")
    .select("password_hash")
    .where("id", "=", accountId)
    .executeTakeFirstOrThrow();
  const problems: Partial<Record<"current" | "password" | "confirmation", PasswordProblem>> = {};
  const verdict = await checkPasswordInSession(options.guard, input.current, account.password_hash);
  if (typeof verdict === "object") return { ok: false, retryAfterMs: verdict.retryAfterMs };
  if (verdict === "wrong") problems.current = "wrong-password";
  const problem = checkNewPassword(input.password, input.confirmation);
  if (problem === "invalid-password") problems.password = problem;
  if (problem === "mismatch") problems.confirmation = problem;
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const hash = await hashPassword(input.password, options.passwordCost);
  const now = (options.clock ?? systemClock).now();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("accounts")
      .set({ password_hash: hash, updated_at: now.toISOString() })
      .where("id", "=", accountId)
      .execute();
    await revokeCredentials(trx, accountId, { keepSession: options.guard.sessionId, now });
  });
  return { ok: true };
}

/** Sets a new password through a reset token; the token works once. */
export async function resetPassword(
  db: Kysely<Schema>,
  token: string,
  password: string,
  passwordCost: number,
  clock: Clock = systemClock,
): Promise<boolean> {
  const accountId = await peekAccountToken(db, token, "reset", clock);
  if (!accountId) return false;
  const hash = await hashPassword(password, passwordCost);
  return db.transaction().execute(async (trx) => {
    if (!(await consumeAccountToken(trx, token, "reset", accountId, clock))) return false;
    await trx
      .updateTable("accounts")
      .set({ password_hash: hash, updated_at: clock.now().toISOString() })
      .where("id", "=", accountId)
      .where("status", "in", ["active", "pending"])
      .execute();
    await revokeCredentials(trx, accountId, { now: clock.now() });
    return true;
  });
}
