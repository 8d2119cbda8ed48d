/**
 * The federated marketplace (FEP-0837; docs/economy.md "Agreements"), plugged in
 * through the extension points (federation/extensions.ts). Offered activities
 * before groups and social (federation-gateway.ts), it claims only what is about
 * a proposal, an agreement or its thread, or a report on a proposal here
 * (inbox-handlers.ts, reports.ts); it relays the proposal and agreement events
 * and forwards reports on copies (relay-handlers.ts, reports.ts). The ledger's settlement of
 * `economy.agreement.fulfilled` is federation/credit's.
 */
import { Accept, Create, Delete, Flag, Offer, Reject, Undo, Update } from "@fedify/vocab";
import { agreementEvents } from "../../economy/agreements/events.ts";
import { marketEvents } from "../../economy/market/events.ts";
import { type AreaExtension, areaExtension, perDeps } from "../extensions.ts";
import { economyInbox } from "./inbox-handlers.ts";
import { economyEventHandlers } from "./relay-handlers.ts";

const inboxFor = perDeps(economyInbox);

export const economyExtension: AreaExtension = areaExtension({
  area: "economy",
  events: { ...agreementEvents, ...marketEvents },
  eventHandlers: economyEventHandlers,
  inbox: [
    {
      types: [Create, Update, Delete, Offer, Accept, Reject, Undo, Flag],
      claims: (ctx, activity, deps) => inboxFor(deps).claims(ctx, activity),
      handle: (ctx, activity, deps) => inboxFor(deps).handle(ctx, activity),
    },
  ],
});
