/**
 * Checking who is logging in. Failures are reasons, never exceptions. Every
 * guess is counted before argon2 runs (rate-limits.ts), so concurrent guesses
 * cannot slip past the limit while the hash is being computed.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import { type Attempt, limits, type RateLimiter } from "./rate-limits.ts";

export type LoginFailure = "invalid" | "pending" | "suspended" | "unverified";

export interface AuthenticateOptions {
  passwordCost: number;
  requireVerifiedEmail: boolean;
  limiter: RateLimiter;
  /** Where the attempt comes from (the client's address). */
  source: string;
}

// Compared against when no account matches, so a wrong username takes as long as a wrong password.
let decoy: Promise<string> | undefined;

export async function findByLogin(db: Kysely<Schema>, login: string) {
  const name = login.trim().toLowerCase();
  return db
    .selectFrom("accounts")
    .selectAll()
    .where((eb) =>
      name.includes("@")
        ? eb(eb.fn("lower", ["email"]), "=", name)
        : eb(eb.fn("lower", ["username"]), "=", name),
    )
    .executeTakeFirst();
}

/**
 * The counters a login guess is charged to: its source, the pair (account,
 * source) and — unless the member has logged in from this source lately — the
 * account. A stranger spends only their own budgets and the account's large one,
 * so the member's usual address is never locked out by someone else.
 */
async function loginAttempts(
  limiter: RateLimiter,
  accountKey: string,
  source: string,
): Promise<Attempt[]> {
  const pair = `${accountKey}|${source}`;
  const attempts: Attempt[] = [
    { limit: limits.loginPerIp, subject: source },
    { limit: limits.loginPerAccountAndIp, subject: pair },
  ];
  if (!(await limiter.marked(limits.loginKnownSource, pair)))
    attempts.push({ limit: limits.loginPerAccount, subject: accountKey });
  return attempts;
}

export async function authenticate(
  db: Kysely<Schema>,
  login: string,
  password: string,
  options: AuthenticateOptions,
): Promise<
  | { ok: true; value: { id: string; username: string } }
  | { ok: false; reason: LoginFailure; accountId?: string }
  | { ok: false; reason: "limited"; retryAfterMs: number }
> {
  const account = await findByLogin(db, login);
  const accountKey = account?.id ?? `unknown:${login.trim().toLowerCase()}`;
  const { limiter, source } = options;
  const reservation = await limiter.reserve(await loginAttempts(limiter, accountKey, source));
  if (!reservation.ok)
    return { ok: false, reason: "limited", retryAfterMs: reservation.retryAfterMs };
  if (!account || String(account.status) === "deleted") {
    decoy ??= hashPassword("decoy password", options.passwordCost);
    await verifyPassword(password, await decoy);
    return { ok: false, reason: "invalid" };
  }
  if (!(await verifyPassword(password, account.password_hash)))
    return { ok: false, reason: "invalid", accountId: account.id };
  // The right password is not a guess: its attempt is given back, and this source becomes known.
  await reservation.release();
  const pair = `${account.id}|${source}`;
  await limiter.clear(limits.loginPerAccountAndIp, pair);
  await limiter.mark(limits.loginKnownSource, pair);
  // Status is told only to someone who knows the password.
  if (account.status === "pending") return { ok: false, reason: "pending", accountId: account.id };
  if (account.status === "suspended")
    return { ok: false, reason: "suspended", accountId: account.id };
  // Without mail there is no way to confirm an address, so nobody is held back for it.
  if (!options.requireVerifiedEmail)
    return { ok: true, value: { id: account.id, username: account.username } };
  const unverified = await db
    .selectFrom("email_verifications")
    .select("account_id")
    .where("account_id", "=", account.id)
    .executeTakeFirst();
  if (unverified) return { ok: false, reason: "unverified", accountId: account.id };
  return { ok: true, value: { id: account.id, username: account.username } };
}
