/** What the account pages need from the node, passed in at composition (src/app.ts). */
import type { Context } from "hono";
import type { Kysely } from "kysely";
import type { CoopSettingsStore } from "../../accounts/coop.ts";
import type { AccountDataContributor } from "../../accounts/data.ts";
import type { Mailer } from "../../accounts/mail.ts";
import type { RateLimiter } from "../../accounts/rate-limits.ts";
import type { Config } from "../../config.ts";
import type { Schema } from "../../db/schema.ts";
import type { Clock } from "../../kernel/clock.ts";
import type { WebEnv } from "../context.ts";

export interface AccountsDeps {
  db: Kysely<Schema>;
  config: Config;
  coop: CoopSettingsStore;
  limiter: RateLimiter;
  /** null when no SMTP server is configured: no email verification, resets by admin link. */
  mailer: Mailer | null;
  contributors: readonly AccountDataContributor[];
  clock: Clock;
}

/** The client's address, for per-IP limits (the socket's peer; no proxy headers are trusted). */
export function clientIp(c: Context<WebEnv>): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}

/** A local path to go to after logging in; anything else (other sites, `//host`) becomes "/". */
export function safeNext(next: unknown): string {
  return typeof next === "string" && /^\/(?![/\\])/.test(next) ? next : "/";
}
