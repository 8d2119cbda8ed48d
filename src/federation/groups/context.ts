/** The groups capability's context for federation code (inbox handlers, actor-gone). */
import type { GroupsContext } from "../../groups/context.ts";
import { systemClock } from "../../kernel/clock.ts";
import type { FederationDeps } from "../deps.ts";

// FederationDeps carries no clock yet; when it does, pass it here.
export const groupsContextOf = (deps: FederationDeps): GroupsContext => ({
  db: deps.db.db,
  origin: deps.config.origin,
  domain: deps.config.domain,
  clock: systemClock,
});
