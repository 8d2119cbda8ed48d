/**
 * Plan rounds' federation (docs/planning.md "Federation"), plugged in through
 * the extension points (federation/extensions.ts): a federation's Group sends
 * its rounds to the member co-ops (relay-handlers.ts, serve.ts); each co-op's
 * answer travels back (inbox.ts on both sides).
 */
import { Accept, Create, Reject, Update } from "@fedify/vocab";
import { planRoundEvents } from "../../economy/plan-rounds/events.ts";
import { type AreaExtension, areaExtension, perDeps } from "../extensions.ts";
import { planRoundsInbox } from "./inbox.ts";
import { planRoundsEventHandlers } from "./relay-handlers.ts";

const inboxFor = perDeps(planRoundsInbox);

export const planRoundsExtension: AreaExtension = areaExtension({
  area: "plan-rounds",
  events: planRoundEvents,
  eventHandlers: planRoundsEventHandlers,
  inbox: [
    {
      types: [Create, Update, Accept, Reject],
      claims: (ctx, activity, deps) => inboxFor(deps).claims(ctx, activity),
      handle: (ctx, activity, deps) => inboxFor(deps).handle(ctx, activity),
    },
  ],
});
