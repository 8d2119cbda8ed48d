/**
 * The federated data commons (docs/dp.md, "Federation"), plugged in through the
 * extension points (federation/extensions.ts). Offered activities after
 * budgeting and before groups (federation-gateway.ts), it claims only what is
 * about a commons document (inbox.ts); it relays the commons events that cross
 * nodes (relay-handlers.ts).
 */
import { Create, Update } from "@fedify/vocab";
import { commonsEvents } from "../../commons/events.ts";
import { type AreaExtension, areaExtension, perDeps } from "../extensions.ts";
import { commonsInbox } from "./inbox.ts";
import { commonsEventHandlers } from "./relay-handlers.ts";

const inboxFor = perDeps(commonsInbox);

export const commonsExtension: AreaExtension = areaExtension({
  area: "commons",
  events: commonsEvents,
  eventHandlers: commonsEventHandlers,
  inbox: [
    {
      types: [Create, Update],
      claims: (ctx, activity, deps) => inboxFor(deps).claims(ctx, activity),
      handle: (ctx, activity, deps) => inboxFor(deps).handle(ctx, activity),
    },
  ],
});
