/**
 * The node's federation gateway with every area's handlers. The web (app.ts) and
 * the inbox helper thread (inbox-helper-thread.ts) build it alike.
 */
import type { CoopSettingsStore } from "./accounts/coop.ts";
import type { Config } from "./config.ts";
import type { Db } from "./db/database.ts";
import type { AreaExtension } from "./federation/extensions.ts";
import { FederationGateway } from "./federation/index.ts";
import { type Clock, systemClock } from "./kernel/clock.ts";

/**
 * The areas' federation, in order (after the core's own handlers), loaded lazily
 * with Fedify. Groups go before social: a group post is not a timeline post or a
 * boost. Two areas handling one outbox event type is refused when Fedify loads
 * (combineExtensions).
 */
export const areaExtensions = (): Promise<readonly AreaExtension[]> =>
  Promise.all([
    import("./federation/decisions/index.ts"),
    import("./federation/groups/index.ts"),
    import("./federation/social/index.ts"),
    import("./federation/moving/index.ts"),
    import("./federation/budgeting/index.ts"),
    import("./federation/economy/index.ts"),
  ]).then(([decisions, groups, social, moving, budgeting, economy]) => [
    decisions.decisionsExtension,
    budgeting.budgetingExtension,
    economy.economyExtension,
    groups.groupsExtension,
    social.socialExtension,
    moving.movingExtension,
  ]);

export function federationGateway(
  config: Config,
  db: Db,
  coop: CoopSettingsStore,
  clock: Clock = systemClock,
) {
  return new FederationGateway({ config, db, coop, clock }, { extensions: areaExtensions });
}
