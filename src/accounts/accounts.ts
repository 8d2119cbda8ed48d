/**
 * Member accounts: creation with validated usernames, emails and passwords.
 * Uniqueness is the database's job (case-insensitive unique indexes); a clash
 * comes back as a reason, not an exception.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import type { AccountsTable, Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { newId } from "../kernel/ids.ts";
import { isReservedName } from "../kernel/names.ts";
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

/** Every problem with a new account's username, email and password, by field (empty when fine). */
export async function checkNewAccount(
  db: Kysely<Schema>,
  input: { username: string; email: string; password: string },
): Promise<Partial<Record<"username" | "email" | "password", CreateAccountFailure>>> {
  const problems: Partial<Record<"username" | "email" | "password", CreateAccountFailure>> = {};
  const username = usernameSchema.safeParse(input.username);
  if (!username.success) problems.username = "invalid-username";
  else if (isReservedName(username.data)) problems.username = "reserved-username";
  else if (await findByUsername(db, username.data)) problems.username = "username-taken";
  const email = emailSchema.safeParse(input.email);
  if (!email.success) problems.email = "invalid-email";
  else if (await findByEmail(db, email.data)) problems.email = "email-taken";
  if (!passwordSchema.safeParse(input.password).success) problems.password = "invalid-password";
  return problems;
}

/** Writes a checked account (the password already hashed) inside the caller's transaction. */
export async function insertAccount(
  trx: Kysely<Schema>,
  input: Omit<NewAccount, "password"> & { passwordHash: string },
  at: Date,
): Promise<string> {
  const now = at.toISOString();
  const id = newId();
  await trx
    .insertInto("accounts")
    .values({
      id,
      username: usernameSchema.parse(input.username),
      email: emailSchema.parse(input.email),
      password_hash: input.passwordHash,
      role: input.role ?? "member",
      status: input.status ?? "active",
      language: input.language ?? "en",
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

export async function createAccount(
  db: Kysely<Schema>,
  input: NewAccount,
  options: { passwordCost: number; clock?: Clock },
): Promise<
  | { ok: true; value: { id: string; username: string } }
  | { ok: false; reason: CreateAccountFailure; message?: string }
> {
  const problems = await checkNewAccount(db, input);
  const reason = problems.username ?? problems.email ?? problems.password;
  if (reason) return { ok: false, reason };
  // Hashing happens before the write and outside any transaction (it takes real time).
  const passwordHash = await hashPassword(input.password, options.passwordCost);
  const username = usernameSchema.parse(input.username);
  try {
    const at = (options.clock ?? systemClock).now();
    const id = await insertAccount(db, { ...input, passwordHash }, at);
    return { ok: true, value: { id, username } };
  } catch (error) {
    // A group holds the name (the database refuses it: names are shared with groups).
    if (String((error as Error).message).includes("username-taken")) {
      return { ok: false, reason: "username-taken" };
    }
    // Lost a race with another sign-up for the same name or address.
    if (await findByUsername(db, username)) return { ok: false, reason: "username-taken" };
    return { ok: false, reason: "email-taken" };
  }
}

export function findByUsername(db: Kysely<Schema>, username: string) {
  return db
    .selectFrom("accounts")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()))
    .executeTakeFirst();
}

export function findByEmail(db: Kysely<Schema>, email: string) {
  return db
    .selectFrom("accounts")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.trim().toLowerCase()))
    .executeTakeFirst();
}

export function findById(db: Kysely<Schema>, id: string) {
  return db.selectFrom("accounts").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The co-op's first active admin: the instance's contact account. */
export async function contactAdmin(db: Kysely<Schema>): Promise<string | undefined> {
  const row = await db
    .selectFrom("accounts")
    .select("username")
    .where("role", "=", "admin")
    .where("status", "=", "active")
    .orderBy("created_at")
    .executeTakeFirst();
  return row?.username;
}

/** Usernames of active members, newest first (the profile directory). */
export async function memberDirectory(
  db: Kysely<Schema>,
  page: { limit: number; offset: number },
): Promise<string[]> {
  const rows = await db
    .selectFrom("accounts")
    .select("username")
    .where("status", "=", "active")
    .orderBy("created_at", "desc")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => r.username);
}

/** Usernames of active members whose username or display name starts with the text (any case). */
export async function membersStartingWith(
  db: Kysely<Schema>,
  text: string,
  limit: number,
): Promise<string[]> {
  const prefix = `${text.toLowerCase().replace(/[%_\\]/g, "")}%`;
  const rows = await db
    .selectFrom("accounts")
    .select("username")
    .where("status", "=", "active")
    .where((eb) =>
      eb.or([
        eb(eb.fn("lower", ["username"]), "like", prefix),
        eb(eb.fn("lower", ["display_name"]), "like", prefix),
      ]),
    )
    .limit(limit)
    .execute();
  return rows.map((r) => r.username);
}
