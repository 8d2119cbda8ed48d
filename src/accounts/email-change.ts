/**
 * A member changes their email address, proving it is them with their password.
 * Without mail the new address applies at once (as at sign-up, addresses are not
 * confirmed then). With mail it applies only once a link sent to the new address
 * is followed: a typo or someone else's address cannot take over the account's
 * password resets. The address stays unique whatever the path (the database's
 * unique index decides a race).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { emailSchema, findByEmail } from "./accounts.ts";
import { checkPasswordInSession, type SessionGuard } from "./password-checks.ts";
import { consumeAccountToken, hashToken, issueAccountToken } from "./tokens.ts";

export type EmailProblem = "invalid-email" | "email-taken" | "same-email" | "wrong-password";

type Checked =
  | { ok: true; email: string; oldEmail: string }
  | { ok: false; problems: Partial<Record<"email" | "password", EmailProblem>> }
  | { ok: false; retryAfterMs: number };

/**
 * Checks a requested change: the password (a guess charged to the session,
 * password-checks.ts), and an address that is valid, new and free.
 */
export async function checkEmailChange(
  db: Kysely<Schema>,
  accountId: string,
  input: { email: string; password: string },
  guard: SessionGuard,
): Promise<Checked> {
  const account = await db
    .selectFrom("accounts")
    .select(["email", "password_hash"])
    .where("id", "=", accountId)
    .executeTakeFirstOrThrow();
  const problems: Partial<Record<"email" | "password", EmailProblem>> = {};
  const verdict = await checkPasswordInSession(guard, input.password, account.password_hash);
  if (typeof verdict === "object") return { ok: false, retryAfterMs: verdict.retryAfterMs };
  if (verdict === "wrong") problems.password = "wrong-password";
  const email = emailSchema.safeParse(input.email);
  if (!email.success) problems.email = "invalid-email";
  else if (email.data === account.email.toLowerCase()) problems.email = "same-email";
  else if (await findByEmail(db, email.data)) problems.email = "email-taken";
  if (!email.success || Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, email: email.data, oldEmail: account.email };
}

function isUniqueViolation(error: unknown): boolean {
  return /unique/i.test(String((error as { message?: string }).message ?? error));
}

/** Sets the address now (a node without mail). False if it was taken meanwhile. */
export async function setEmail(db: Kysely<Schema>, accountId: string, email: string) {
  try {
    await db.updateTable("accounts").set({ email }).where("id", "=", accountId).execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** A one-time token confirming `email` for the account (earlier ones stop working). */
export function requestEmailChange(
  db: Kysely<Schema>,
  accountId: string,
  email: string,
  clock: Clock = systemClock,
): Promise<string> {
  return issueAccountToken(db, accountId, "email", { email, clock });
}

/** The change a valid token confirms, without using it up. */
export async function peekEmailChange(db: Kysely<Schema>, token: string, clock = systemClock) {
  return db
    .selectFrom("account_tokens")
    .innerJoin("accounts", "accounts.id", "account_tokens.account_id")
    .select([
      "account_tokens.account_id as accountId",
      "account_tokens.email as email",
      "accounts.email as oldEmail",
    ])
    .where("account_tokens.token_hash", "=", hashToken(token))
    .where("account_tokens.purpose", "=", "email")
    .where("account_tokens.expires_at", ">", clock.now().toISOString())
    .executeTakeFirst();
}

/**
 * Applies the change a token confirms; the address is confirmed by the same act.
 * "invalid": no such live token; "taken": another account has the address by now.
 */
export async function confirmEmailChange(
  db: Kysely<Schema>,
  token: string,
  clock: Clock = systemClock,
): Promise<
  | { ok: true; accountId: string; email: string; oldEmail: string }
  | { ok: false; problem: "invalid" | "taken" }
> {
  const change = await peekEmailChange(db, token, clock);
  if (!change?.email) return { ok: false, problem: "invalid" };
  const { accountId, email, oldEmail } = change;
  try {
    return await db.transaction().execute(async (trx) => {
      if (!(await consumeAccountToken(trx, token, "email", accountId, clock)))
        return { ok: false as const, problem: "invalid" as const };
      await trx.updateTable("accounts").set({ email }).where("id", "=", accountId).execute();
      await trx.deleteFrom("email_verifications").where("account_id", "=", accountId).execute();
      return { ok: true as const, accountId, email, oldEmail };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, problem: "taken" };
    throw error;
  }
}
