/**
 * The federated marketplace (FEP-0837; docs/economy.md "Agreements"), plugged in
 * through the extension points (federation/extensions.ts). Offered activities
 * before groups and social (federation-gateway.ts), it claims only what is about
 * a proposal, an agreement or its thread (inbox-handlers.ts); it relays the
 * proposal and agreement events (relay-handlers.ts). The ledger's settlement of
 * `economy.agreement.fulfilled` is federation/credit's.
 */
import { Accept, Create, Delete, Offer, Reject, Undo, Update } from "@fedify/vocab";
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
      types: [Create, Update, Delete, Offer, Accept, Reject, Undo],
      claims: (ctx, activity, deps) => inboxFor(deps).claims(ctx, activity),
      handle: (ctx, activity, deps) => inboxFor(deps).handle(ctx, activity),
    },
  ],
});
