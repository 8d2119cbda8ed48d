/**
 * Checking the password of a member who is already logged in (before changing
 * the password or address, or deleting the account). Each guess is charged to
 * the session before argon2 runs, so a stolen session cannot guess quickly,
 * and nobody outside the session can spend its budget (a stranger hammering the
 * login form does not stop the member from deleting their account).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { verifyPassword } from "./passwords.ts";
import { limits, type RateLimiter } from "./rate-limits.ts";

export interface SessionGuard {
  limiter: RateLimiter;
  /** The session the request came with. */
  sessionId: string;
}

export type PasswordVerdict = "right" | "wrong" | { retryAfterMs: number };

/** Verifies `password` against `hash` inside the session's budget; a right one costs nothing. */
export async function checkPasswordInSession(
  guard: SessionGuard,
  password: string,
  hash: string,
): Promise<PasswordVerdict> {
  const reservation = await guard.limiter.reserve([
    { limit: limits.passwordPerSession, subject: guard.sessionId },
  ]);
  if (!reservation.ok) return { retryAfterMs: reservation.retryAfterMs };
  if (!(await verifyPassword(password, hash))) return "wrong";
  await reservation.release();
  return "right";
}

/** The member's current password, checked as above (before deleting the account). */
export async function confirmPassword(
  db: Kysely<Schema>,
  accountId: string,
  password: string,
  guard: SessionGuard,
): Promise<PasswordVerdict> {
  const account = await db
    .selectFrom("accounts")
    .select("password_hash")
    .where("id", "=", accountId)
    .executeTakeFirstOrThrow();
  return checkPasswordInSession(guard, password, account.password_hash);
}
