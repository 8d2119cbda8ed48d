/**
 * Member accounts: creation with validated usernames, emails and passwords.
 * Uniqueness is the database's job (case-insensitive unique indexes); a clash
 * comes back as a reason, not an exception.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import type { AccountsTable, Schema } from "../db/schema.ts";
import { newId } from "../kernel/ids.ts";
import { hashPassword } from "./passwords.ts";

export type Role = AccountsTable["role"];

export const usernameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_]{1,30}$/, "use 1 to 30 letters, digits or underscores");
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .email("is not an email address")
  .max(254);
export const passwordSchema = z
  .string()
  .min(8, "must be at least 8 characters")
  .max(1000, "is too long");

/** Names a node keeps for itself (its co-op actor, its instance actor, its routes). */
const reserved = new Set([
  "admin",
  "coop",
  "instance",
  "root",
  "synco",
  "api",
  "oauth",
  "settings",
  "www",
  "postmaster",
]);

export interface NewAccount {
  username: string;
  email: string;
  password: string;
  role?: Role;
  status?: "active" | "pending";
  language?: string;
}

export type CreateAccountFailure =
  | "invalid-username"
  | "reserved-username"
  | "invalid-email"
  | "invalid-password"
  | "username-taken"
  | "email-taken";

export async function createAccount(
  db: Kysely<Schema>,
  input: NewAccount,
  options: { passwordCost: number },
): Promise<
  | { ok: true; value: { id: string; username: string } }
  | { ok: false; reason: CreateAccountFailure; message?: string }
> {
  const username = usernameSchema.safeParse(input.username);
  if (!username.success)
    return { ok: false, reason: "invalid-username", message: username.error.issues[0]?.message };
  if (reserved.has(username.data.toLowerCase())) return { ok: false, reason: "reserved-username" };
  const email = emailSchema.safeParse(input.email);
  if (!email.success)
    return { ok: false, reason: "invalid-email", message: email.error.issues[0]?.message };
  const password = passwordSchema.safeParse(input.password);
  if (!password.success)
    return { ok: false, reason: "invalid-password", message: password.error.issues[0]?.message };

  if (await findByUsername(db, username.data)) return { ok: false, reason: "username-taken" };
  if (
    await db
      .selectFrom("accounts")
      .select("id")
      .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.data))
      .executeTakeFirst()
  ) {
    return { ok: false, reason: "email-taken" };
  }
  // Hashing happens before the write and outside any transaction (it takes real time).
  const passwordHash = await hashPassword(password.data, options.passwordCost);
  const now = new Date().toISOString();
  const id = newId();
  try {
    await db
      .insertInto("accounts")
      .values({
        id,
        username: username.data,
        email: email.data,
        password_hash: passwordHash,
        role: input.role ?? "member",
        status: input.status ?? "active",
        language: input.language ?? "en",
        created_at: now,
        updated_at: now,
      })
      .execute();
  } catch {
    // Lost a race with another sign-up for the same name or address.
    if (await findByUsername(db, username.data)) return { ok: false, reason: "username-taken" };
    return { ok: false, reason: "email-taken" };
  }
  return { ok: true, value: { id, username: username.data } };
}

export function findByUsername(db: Kysely<Schema>, username: string) {
  return db
    .selectFrom("accounts")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()))
    .executeTakeFirst();
}
