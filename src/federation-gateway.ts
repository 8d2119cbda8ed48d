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
    // First: it claims only a PlanRound's Create/Update and the Accept/Reject of a round's part.
    import("./federation/plan-rounds/index.ts").then((m) => m.planRoundsExtension),
    import("./federation/decisions/index.ts").then((m) => m.decisionsExtension),
    import("./federation/budgeting/index.ts").then((m) => m.budgetingExtension),
    import("./federation/commons/index.ts").then((m) => m.commonsExtension),
    import("./federation/economy/index.ts").then((m) => m.economyExtension),
    // Before groups: an alarm or indicator addressed to a federation Group is not a group post.
    import("./federation/indicators/index.ts").then((m) => m.indicatorsExtension),
    // Before groups: an Offer to a federation Group of a CreditTransfer is the ledger's.
    import("./federation/credit/index.ts").then((m) => m.creditExtension),
    import("./federation/groups/index.ts").then((m) => m.groupsExtension),
    import("./federation/social/index.ts").then((m) => m.socialExtension),
    import("./federation/moving/index.ts").then((m) => m.movingExtension),
  ]);

export function federationGateway(
  config: Config,
  db: Db,
  coop: CoopSettingsStore,
  clock: Clock = systemClock,
) {
  return new FederationGateway({ config, db, coop, clock }, { extensions: areaExtensions });
}
