/**
 * Federated participatory budgeting (docs/budgeting.md, "Federated budgeting"),
 * plugged in through the extension points (federation/extensions.ts). Offered
 * activities after decisions and before groups (federation-gateway.ts), it claims
 * only what is about a budgeting process or ballot (inbox.ts); it relays the
 * budgeting events (relay-handlers.ts), the one area that does.
 */
import { Announce, Create, Delete, Reject, Update } from "@fedify/vocab";
import { budgetingEvents } from "../../governance/budgeting/processes/events.ts";
import { type AreaExtension, areaExtension, perDeps } from "../extensions.ts";
import { budgetingInbox } from "./inbox.ts";
import { budgetingEventHandlers } from "./relay-handlers.ts";

const inboxFor = perDeps(budgetingInbox);

export const budgetingExtension: AreaExtension = areaExtension({
  area: "budgeting",
  events: budgetingEvents,
  eventHandlers: budgetingEventHandlers,
  inbox: [
    {
      types: [Create, Update, Delete, Reject, Announce],
      claims: (ctx, activity, deps) => inboxFor(deps).claims(ctx, activity),
      handle: (ctx, activity, deps) => inboxFor(deps).handle(ctx, activity),
    },
  ],
});
