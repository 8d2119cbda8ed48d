/**
 * The node's federation gateway with every area's handlers. The web (app.ts) and
 * the inbox helper thread (inbox-helper-thread.ts) build it alike.
 */
import type { CoopSettingsStore } from "./accounts/coop.ts";
import type { Config } from "./config.ts";
import type { Db } from "./db/database.ts";
import { FederationGateway } from "./federation/index.ts";
import { type Clock, systemClock } from "./kernel/clock.ts";

export function federationGateway(
  config: Config,
  db: Db,
  coop: CoopSettingsStore,
  clock: Clock = systemClock,
) {
  return new FederationGateway(
    { config, db, coop, clock },
    {
      // Groups' handlers go first: a group post is not a timeline post or a boost.
      extensions: () =>
        Promise.all([
          import("./federation/social/index.ts"),
          import("./federation/groups/index.ts"),
        ]).then(([social, groups]) => groups.withGroups(social.socialExtensions)),
    },
  );
}
