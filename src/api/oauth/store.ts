/**
 * OAuth 2 records (RFC 6749): applications, authorization codes (ten minutes,
 * one use, bound to the redirect URI and the PKCE challenge of RFC 7636) and
 * access tokens with refresh tokens. Secrets, codes and tokens are random and
 * only their sha256 is stored, as for sessions.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Kysely } from "kysely";
import { hashToken } from "../../accounts/tokens.ts";
import type { Schema } from "../../db/schema.ts";
import type { Clock } from "../../kernel/clock.ts";
import { newId, newToken } from "../../kernel/ids.ts";

const CODE_LIFETIME_MS = 10 * 60_000;
export const OOB_URI = "urn:ietf:wg:oauth:2.0:oob";

export type OauthApp = Awaited<ReturnType<typeof findApp>> & {};

export async function createApp(
  db: Kysely<Schema>,
  input: { name: string; website: string | null; redirectUris: string[]; scopes: string[] },
  clock: Clock,
) {
  const clientSecret = newToken();
  const row = {
    id: newId(),
    client_id: newToken(),
    client_secret_hash: hashToken(clientSecret),
    name: input.name,
    website: input.website,
    redirect_uris: JSON.stringify(input.redirectUris),
    scopes: input.scopes.join(" "),
    created_at: clock.now().toISOString(),
  };
  await db.insertInto("oauth_apps").values(row).execute();
  return { ...row, clientSecret };
}

export function findApp(db: Kysely<Schema>, by: { clientId: string } | { id: string }) {
  return db
    .selectFrom("oauth_apps")
    .selectAll()
    .where("clientId" in by ? "client_id" : "id", "=", "clientId" in by ? by.clientId : by.id)
    .executeTakeFirst();
}

export const redirectUrisOf = (app: { redirect_uris: string }): string[] =>
  JSON.parse(app.redirect_uris) as string[];

export function secretMatches(app: { client_secret_hash: string }, secret: string): boolean {
  const a = Buffer.from(hashToken(secret));
  const b = Buffer.from(app.client_secret_hash);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function issueCode(
  db: Kysely<Schema>,
  input: {
    appId: string;
    accountId: string;
    redirectUri: string;
    scopes: string[];
    challenge: string | null;
    challengeMethod: string | null;
  },
  clock: Clock,
): Promise<string> {
  const code = newToken();
  const now = clock.now().getTime();
  // Expired codes are never useful: each new code clears them away.
  await db
    .deleteFrom("oauth_codes")
    .where("expires_at", "<", new Date(now).toISOString())
    .execute();
  await db
    .insertInto("oauth_codes")
    .values({
      code_hash: hashToken(code),
      app_id: input.appId,
      account_id: input.accountId,
      redirect_uri: input.redirectUri,
      scopes: input.scopes.join(" "),
      code_challenge: input.challenge,
      code_challenge_method: input.challengeMethod,
      expires_at: new Date(now + CODE_LIFETIME_MS).toISOString(),
      created_at: new Date(now).toISOString(),
    })
    .execute();
  return code;
}

/** PKCE check (RFC 7636 §4.6): S256 compares base64url(sha256(verifier)); plain compares as is. */
export function verifierMatches(
  challenge: string,
  method: string | null,
  verifier: string,
): boolean {
  const computed =
    method === "plain" ? verifier : createHash("sha256").update(verifier).digest("base64url");
  const a = Buffer.from(computed);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Takes a code (one use only: it is deleted whether or not the rest checks out). */
export async function takeCode(db: Kysely<Schema>, code: string, clock: Clock) {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("oauth_codes")
      .selectAll()
      .where("code_hash", "=", hashToken(code))
      .executeTakeFirst();
    if (!row) return undefined;
    await trx.deleteFrom("oauth_codes").where("code_hash", "=", row.code_hash).execute();
    return row.expires_at > clock.now().toISOString() ? row : undefined;
  });
}

export async function issueToken(
  db: Kysely<Schema>,
  input: { appId: string; accountId: string | null; scopes: string[] },
  clock: Clock,
) {
  const accessToken = newToken();
  const refreshToken = input.accountId ? newToken() : null;
  const row = {
    id: newId(),
    token_hash: hashToken(accessToken),
    refresh_hash: refreshToken ? hashToken(refreshToken) : null,
    app_id: input.appId,
    account_id: input.accountId,
    scopes: input.scopes.join(" "),
    created_at: clock.now().toISOString(),
    last_used_at: null,
    revoked_at: null,
  };
  await db.insertInto("oauth_tokens").values(row).execute();
  return { accessToken, refreshToken, scopes: input.scopes, createdAt: row.created_at };
}

/** The live token, with its member and the member's status, if it has one. */
export async function findToken(db: Kysely<Schema>, token: string) {
  const row = await db
    .selectFrom("oauth_tokens as t")
    .leftJoin("accounts as a", "a.id", "t.account_id")
    .select(["t.id", "t.app_id", "t.account_id", "t.scopes", "a.username", "a.status"])
    .where("t.token_hash", "=", hashToken(token))
    .where("t.revoked_at", "is", null)
    .executeTakeFirst();
  if (!row) return undefined;
  // A deleted member's tokens are gone for good; pending and suspended ones are refused by the caller.
  if (row.account_id && (row.status === "deleted" || !row.status)) return undefined;
  return row;
}

/**
 * Exchanges a refresh token for a new pair; the old pair stops working
 * (rotation). The old pair is revoked by the one statement that finds it, so two
 * concurrent refreshes with the same token cannot both succeed.
 */
export async function refresh(
  db: Kysely<Schema>,
  appId: string,
  refreshToken: string,
  clock: Clock,
) {
  const row = await db
    .updateTable("oauth_tokens")
    .set({ revoked_at: clock.now().toISOString() })
    .where("refresh_hash", "=", hashToken(refreshToken))
    .where("app_id", "=", appId)
    .where("revoked_at", "is", null)
    .returning(["account_id", "scopes"])
    .executeTakeFirst();
  if (!row?.account_id) return undefined;
  return issueToken(db, { appId, accountId: row.account_id, scopes: row.scopes.split(" ") }, clock);
}

export async function revokeById(db: Kysely<Schema>, id: string, clock: Clock): Promise<void> {
  await db
    .updateTable("oauth_tokens")
    .set({ revoked_at: clock.now().toISOString() })
    .where("id", "=", id)
    .execute();
}

/** RFC 7009: revokes an access or refresh token of this app; unknown tokens are not an error. */
export async function revoke(
  db: Kysely<Schema>,
  appId: string,
  token: string,
  clock: Clock,
): Promise<void> {
  const hash = hashToken(token);
  await db
    .updateTable("oauth_tokens")
    .set({ revoked_at: clock.now().toISOString() })
    .where("app_id", "=", appId)
    .where((eb) => eb.or([eb("token_hash", "=", hash), eb("refresh_hash", "=", hash)]))
    .execute();
}
