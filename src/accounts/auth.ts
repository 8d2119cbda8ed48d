/** Checking who is logging in. Failures are reasons, never exceptions. */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";

export type LoginFailure = "invalid" | "pending" | "suspended" | "unverified";

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

export async function authenticate(
  db: Kysely<Schema>,
  login: string,
  password: string,
  options: { passwordCost: number; requireVerifiedEmail: boolean },
): Promise<
  | { ok: true; value: { id: string; username: string } }
  | { ok: false; reason: LoginFailure; accountId?: string }
> {
  const account = await findByLogin(db, login);
  if (!account || String(account.status) === "deleted") {
    decoy ??= hashPassword("decoy password", options.passwordCost);
    await verifyPassword(password, await decoy);
    return { ok: false, reason: "invalid" };
  }
  if (!(await verifyPassword(password, account.password_hash)))
    return { ok: false, reason: "invalid", accountId: account.id };
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
