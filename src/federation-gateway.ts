/**
 * The node's federation gateway with every area's handlers. The web (app.ts) and
 * the inbox helper thread (inbox-helper-thread.ts) build it alike.
 */
import type { CoopSettingsStore } from "./accounts/coop.ts";
import type { Config } from "./config.ts";
import type { Db } from "./db/database.ts";
import { FederationGateway } from "./federation/index.ts";

export function federationGateway(config: Config, db: Db, coop: CoopSettingsStore) {
  return new FederationGateway(
    { config, db, coop },
    {
      // The areas in order (after the core's own handlers). Groups go before social: a
      // group post is not a timeline post or a boost. Two areas handling one outbox
      // event type is refused when Fedify loads (combineExtensions).
      extensions: () =>
        Promise.all([
          import("./federation/groups/index.ts"),
          import("./federation/social/index.ts"),
        ]).then(([groups, social]) => [groups.groupsExtension, social.socialExtension]),
    },
  );
}
