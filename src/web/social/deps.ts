/** What the social pages need from the node, passed in at composition (src/app.ts). */
import type { CoopSettingsStore } from "../../accounts/coop.ts";
import type { Config } from "../../config.ts";
import type { Db } from "../../db/database.ts";
import type { FederationGateway } from "../../federation/index.ts";
import type { Clock } from "../../kernel/clock.ts";
import { memberUri } from "../../kernel/uris.ts";
import type { SocialContext } from "../../social/context.ts";
import type { ViewerRef } from "../../social/visibility.ts";
import type { Viewer } from "../context.ts";

export interface SocialPagesDeps {
  db: Db["db"];
  config: Config;
  coop: CoopSettingsStore;
  federation: FederationGateway;
  clock: Clock;
}

export const socialContext = (deps: SocialPagesDeps): SocialContext => ({
  db: deps.db,
  origin: deps.config.origin,
  domain: deps.config.domain,
  clock: deps.clock,
});

export const viewerRef = (deps: SocialPagesDeps, viewer: Viewer | null): ViewerRef | null =>
  viewer ? { id: viewer.id, uri: memberUri(deps.config.origin, viewer.username) } : null;

/** A post id in a URL: a UUID (anything else is a 404 before the database is asked). */
export const isPostId = (id: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);
