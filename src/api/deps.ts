/** What the client API needs from the node, passed in at composition (src/app.ts). */
import type { Context } from "hono";
import type { CoopSettingsStore } from "../accounts/coop.ts";
import type { RateLimiter } from "../accounts/rate-limits.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/database.ts";
import type { FederationGateway } from "../federation/index.ts";
import type { Clock } from "../kernel/clock.ts";
import { memberUri } from "../kernel/uris.ts";
import type { SocialContext } from "../social/context.ts";
import type { ViewerRef } from "../social/visibility.ts";
import type { WebEnv } from "../web/context.ts";
import type { WriteClock } from "./cache.ts";

export interface ApiDeps {
  db: Db["db"];
  config: Config;
  coop: CoopSettingsStore;
  federation: FederationGateway;
  limiter: RateLimiter;
  clock: Clock;
  /** This process's committed writes (Db.onWriteCommitted): what the API's caches are checked against. */
  writes?: WriteClock;
}

/** The member (or app) behind a bearer token. */
export interface TokenOwner {
  tokenId: string;
  appId: string;
  scopes: Set<string>;
  account: { id: string; username: string } | null;
}

export type ApiEnv = {
  Variables: WebEnv["Variables"] & { token: TokenOwner | null };
};

export type ApiContext = Context<ApiEnv>;

export const socialContext = (deps: ApiDeps): SocialContext => ({
  db: deps.db,
  origin: deps.config.origin,
  domain: deps.config.domain,
  clock: deps.clock,
});

export const memberRef = (deps: ApiDeps, account: { id: string; username: string }): ViewerRef => ({
  id: account.id,
  uri: memberUri(deps.config.origin, account.username),
});
