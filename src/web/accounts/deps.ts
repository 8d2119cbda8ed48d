/** What the account pages need from the node, passed in at composition (src/app.ts). */

import type { Context } from "hono";
import type { Kysely } from "kysely";
import type { CoopSettingsStore } from "../../accounts/coop.ts";
import type { AccountDataContributor } from "../../accounts/data.ts";
import type { Mailer } from "../../accounts/mail.ts";
import type { SessionGuard } from "../../accounts/password-checks.ts";
import type { RateLimiter } from "../../accounts/rate-limits.ts";
import type { Config } from "../../config.ts";
import type { Schema } from "../../db/schema.ts";
import type { Clock } from "../../kernel/clock.ts";
import { localPathOrNull } from "../../kernel/safe-url.ts";
import type { WebEnv } from "../context.ts";
import { currentSessionId } from "../session.ts";

export interface AccountsDeps {
  db: Kysely<Schema>;
  config: Config;
  coop: CoopSettingsStore;
  limiter: RateLimiter;
  /** null when no SMTP server is configured: no email verification, resets by admin link. */
  mailer: Mailer | null;
  contributors: readonly AccountDataContributor[];
  clock: Clock;
  /** What later areas show under a profile (the social pages: pinned posts and the member's posts). */
  profileSection?: (
    c: Context<WebEnv>,
    account: { id: string; username: string },
  ) => Promise<unknown>;
}

/**
 * The client's address, for per-IP limits: the socket's peer, unless that peer is
 * one of SYNCO_TRUSTED_PROXIES — then the nearest X-Forwarded-For hop that is not
 * itself a trusted proxy (hops further left could be forged by the client).
 */
export function clientIp(c: Context<WebEnv>, trustedProxies: readonly string[]): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return addressBehindProxies(
    env?.incoming?.socket?.remoteAddress,
    c.req.header("x-forwarded-for"),
    trustedProxies,
  );
}

/** clientIp for a raw request (a WebSocket upgrade has no Hono context). */
export function addressBehindProxies(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: readonly string[],
): string {
  if (!peer) return "unknown";
  if (!trustedProxies.includes(peer)) return peer;
  const hops = (forwardedFor ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? "";
    if (!trustedProxies.includes(hop)) return hop;
  }
  return peer;
}

/**
 * A local path to go to after logging in; anything else (other sites, `//host`,
 * `/\t/host`, control characters) becomes "/" (kernel/safe-url.ts).
 */
export function safeNext(next: unknown): string {
  return localPathOrNull(next) ?? "/";
}

/** The budget for password guesses inside the request's session (accounts/password-checks.ts). */
export function sessionGuard(
  c: Context<WebEnv>,
  deps: AccountsDeps,
  accountId: string,
): SessionGuard {
  return { limiter: deps.limiter, sessionId: currentSessionId(c) ?? `account:${accountId}` };
}

/**
 * For a refused guess: sets Retry-After (RFC 9110 §10.2.3, in seconds) and
 * returns the message saying how long to wait, in whole minutes.
 */
export function tooManyAttempts(c: Context<WebEnv>, retryAfterMs: number): string {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  c.header("Retry-After", String(seconds));
  return c.get("t")("auth.rateLimitedFor", { minutes: String(Math.ceil(seconds / 60)) });
}
