/**
 * Bearer tokens (RFC 6750): `Authorization: Bearer …` or, as Mastodon also
 * accepts, an `access_token` query parameter. `requireScope` ends a request
 * with 401 when there is no valid token and 403 when its scopes fall short.
 */
import type { MiddlewareHandler } from "hono";
import { hashToken } from "../accounts/tokens.ts";
import { FreshCache, WriteClock } from "./cache.ts";
import type { ApiContext, ApiDeps, ApiEnv, TokenOwner } from "./deps.ts";
import { ApiError } from "./errors.ts";
import { grants } from "./oauth/scopes.ts";
import { findToken } from "./oauth/store.ts";

export function bearerToken(header: string | undefined, query: string | null): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return m?.[1] ?? query ?? null;
}

type TokenRow = NonNullable<Awaited<ReturnType<typeof findToken>>>;

export function tokenMiddleware(deps: ApiDeps): MiddlewareHandler<ApiEnv> {
  // An app sends its token with every request: a live token's row is kept (by the
  // token's hash) until this process writes anything — a revocation, a suspension —
  // or a second passes (another process's write). Unknown tokens are not kept.
  const live = new FreshCache<string, TokenRow>(deps.writes ?? new WriteClock(), {
    trustMs: deps.writes ? 1000 : 0,
    max: 10_000,
  });
  const lookUp = async (token: string) => {
    const key = hashToken(token);
    const hit = live.get(key);
    if (hit) return hit;
    const writes = live.writes;
    const at = performance.now();
    const row = await findToken(deps.db, token);
    if (row) live.set(key, row, writes, at);
    return row;
  };
  return async (c, next) => {
    const given = bearerToken(
      c.req.header("authorization"),
      c.req.url.includes("access_token=")
        ? new URL(c.req.url).searchParams.get("access_token")
        : null,
    );
    let owner: TokenOwner | null = null;
    if (given) {
      const row = await lookUp(given);
      if (!row) throw new ApiError(401, "The access token is invalid");
      // As Mastodon: a member waiting for approval or suspended is told so (403).
      if (row.status === "pending")
        throw new ApiError(403, "Your login is currently pending approval");
      if (row.status === "suspended") throw new ApiError(403, "Your login is currently disabled");
      owner = {
        tokenId: row.id,
        appId: row.app_id,
        scopes: new Set(row.scopes.split(" ")),
        account:
          row.account_id && row.username ? { id: row.account_id, username: row.username } : null,
      };
    }
    c.set("token", owner);
    await next();
  };
}

/** The token, which must grant `scope`. */
export function requireToken(c: ApiContext, scope: string): TokenOwner {
  const token = c.get("token");
  if (!token) throw new ApiError(401, "The access token is invalid");
  if (!grants(token.scopes, scope))
    throw new ApiError(403, "This action is outside the authorized scopes");
  return token;
}

/** The member behind the token, which must grant `scope` (an app-only token is refused). */
export function requireUser(c: ApiContext, scope: string): { id: string; username: string } {
  const token = requireToken(c, scope);
  if (!token.account) throw new ApiError(422, "This method requires an authenticated user");
  return token.account;
}

/** The member, if a token was given (public endpoints answer visitors too). */
export function optionalUser(
  c: ApiContext,
  scope = "read",
): { id: string; username: string } | null {
  const token = c.get("token");
  if (!token) return null;
  if (!grants(token.scopes, scope))
    throw new ApiError(403, "This action is outside the authorized scopes");
  return token.account;
}
