/**
 * Login sessions. The cookie holds a random token; the table holds its sha256.
 * Sessions slide: each use pushes the expiry forward, written at most every few
 * minutes so reading pages does not mean writing the database.
 */
import type { Kysely } from "kysely";
import { cachePerDatabase } from "../api/cache.ts";
import type { AccountsTable, Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { newId, newToken } from "../kernel/ids.ts";
import { hashToken } from "./tokens.ts";

export const SESSION_LIFETIME_MS = 30 * 24 * 3600_000;
const TOUCH_EVERY_MS = 5 * 60_000;

export interface SessionAccount {
  sessionId: string;
  accountId: string;
  username: string;
  displayName: string;
  role: AccountsTable["role"];
  language: string;
}

export async function createSession(
  db: Kysely<Schema>,
  accountId: string,
  userAgent: string,
  clock: Clock = systemClock,
): Promise<{ id: string; token: string }> {
  const token = newToken();
  const now = clock.now();
  const id = newId();
  await db
    .insertInto("sessions")
    .values({
      id,
      token_hash: hashToken(token),
      account_id: accountId,
      user_agent: userAgent.slice(0, 300),
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString(),
    })
    .execute();
  return { id, token };
}

/** A session's row as findSession reads it. */
interface SessionRow {
  sessionId: string;
  lastSeen: string;
  expiresAt: string;
  accountId: string;
  username: string;
  displayName: string;
  role: AccountsTable["role"];
  language: string;
  status: string;
}

/**
 * Every page a member opens reads their session: the row is kept, by the token's
 * hash, until this process writes `sessions` or `accounts` (a logout, a suspension,
 * a new display name) or for a second (another process's write), as API tokens are
 * (issue 24). Expiry and the member's status are still checked on each read.
 */
const sessionRows = cachePerDatabase<string, SessionRow>({
  tables: ["sessions", "accounts"],
  max: 10_000,
});

async function sessionRow(db: Kysely<Schema>, tokenHash: string, now: Date) {
  const cache = sessionRows(db);
  const hit = cache?.get(tokenHash);
  if (hit) return hit;
  const writes = cache?.writes;
  const at = performance.now();
  const row = await db
    .selectFrom("sessions")
    .innerJoin("accounts", "accounts.id", "sessions.account_id")
    .select([
      "sessions.id as sessionId",
      "sessions.last_seen_at as lastSeen",
      "sessions.expires_at as expiresAt",
      "accounts.id as accountId",
      "accounts.username",
      "accounts.display_name as displayName",
      "accounts.role",
      "accounts.language",
      "accounts.status",
    ])
    .where("sessions.token_hash", "=", tokenHash)
    .where("sessions.expires_at", ">", now.toISOString())
    .executeTakeFirst();
  // Unknown tokens are not kept (a guessing visitor fills nothing).
  if (row && cache) cache.set(tokenHash, row, writes, at);
  return row;
}

/** The active member behind a session token, or undefined (expired, revoked, suspended, deleted). */
export async function findSession(
  db: Kysely<Schema>,
  token: string,
  clock: Clock = systemClock,
): Promise<SessionAccount | undefined> {
  const now = clock.now();
  const row = await sessionRow(db, hashToken(token), now);
  if (row?.status !== "active" || row.expiresAt <= now.toISOString()) return undefined;
  if (now.getTime() - Date.parse(row.lastSeen) > TOUCH_EVERY_MS) {
    await db
      .updateTable("sessions")
      .set({
        last_seen_at: now.toISOString(),
        expires_at: new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString(),
      })
      .where("id", "=", row.sessionId)
      .execute();
  }
  return {
    sessionId: row.sessionId,
    accountId: row.accountId,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    language: row.language,
  };
}

export async function listSessions(db: Kysely<Schema>, accountId: string) {
  return db
    .selectFrom("sessions")
    .select(["id", "user_agent", "created_at", "last_seen_at", "expires_at"])
    .where("account_id", "=", accountId)
    .orderBy("last_seen_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

/** Ends one session of a member; a session id of someone else's changes nothing. */
export async function endSession(
  db: Kysely<Schema>,
  accountId: string,
  sessionId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom("sessions")
    .where("id", "=", sessionId)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/**
 * Everything that acts as the member ends, in the caller's transaction: web
 * sessions (optionally but one) and the OAuth tokens and codes of their apps.
 * Whoever knew an old password, or a suspended member's app, is out for good;
 * apps ask again through the consent page.
 */
export async function revokeCredentials(
  trx: Kysely<Schema>,
  accountId: string,
  options: { keepSession?: string | undefined; now: Date },
): Promise<number> {
  let sessions = trx.deleteFrom("sessions").where("account_id", "=", accountId);
  if (options.keepSession) sessions = sessions.where("id", "!=", options.keepSession);
  const ended = await sessions.executeTakeFirst();
  await trx
    .updateTable("oauth_tokens")
    .set({ revoked_at: options.now.toISOString() })
    .where("account_id", "=", accountId)
    .where("revoked_at", "is", null)
    .execute();
  await trx.deleteFrom("oauth_codes").where("account_id", "=", accountId).execute();
  return Number(ended.numDeletedRows);
}

/** "Log out everywhere": every session and app token of the member ends, optionally but one session. */
export async function endAllSessions(
  db: Kysely<Schema>,
  accountId: string,
  options: { except?: string; clock?: Clock } = {},
): Promise<number> {
  const now = (options.clock ?? systemClock).now();
  return db
    .transaction()
    .execute((trx) => revokeCredentials(trx, accountId, { keepSession: options.except, now }));
}
