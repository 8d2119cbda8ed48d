/**
 * The decisions' part of federation (docs/decisions.md, "Federation"), plugged
 * in through the extension points (federation/extensions.ts). Offered every
 * activity first (federation-gateway.ts), it claims only what is about a
 * decision (inbox.ts); the rest goes on to groups and social.
 */
import { Create, Update } from "@fedify/vocab";
import { decisionsEvents } from "../../governance/decisions/events.ts";
import { decisionFederationEvents } from "../../governance/decisions/federation-events.ts";
import { type AreaExtension, areaExtension, perDeps } from "../extensions.ts";
import { decisionsInbox } from "./inbox.ts";
import { decisionEventHandlers } from "./relay-handlers.ts";

const inboxFor = perDeps(decisionsInbox);

export const decisionsExtension: AreaExtension = areaExtension({
  area: "decisions",
  events: { ...decisionsEvents, ...decisionFederationEvents },
  eventHandlers: decisionEventHandlers,
  inbox: [
    {
      types: [Create, Update],
      claims: (ctx, activity, deps) => inboxFor(deps).claims(ctx, activity),
      handle: (ctx, activity, deps) => inboxFor(deps).handle(ctx, activity),
    },
  ],
});
