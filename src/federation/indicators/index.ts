/**
 * The opsroom's federation (docs/opsroom.md "Federation"), plugged in through
 * the extension points (federation/extensions.ts): member co-ops tell their
 * federations the state of their indicators and escalate alarms to them
 * (relay-handlers.ts); a federation keeps what its members send (inbox.ts).
 */
import { Create, Update } from "@fedify/vocab";
import { opsroomEvents } from "../../economy/opsroom/events.ts";
import { type AreaExtension, areaExtension, perDeps } from "../extensions.ts";
import { indicatorsInbox } from "./inbox.ts";
import { indicatorsEventHandlers } from "./relay-handlers.ts";

const inboxFor = perDeps(indicatorsInbox);

export const indicatorsExtension: AreaExtension = areaExtension({
  area: "indicators",
  events: opsroomEvents,
  eventHandlers: indicatorsEventHandlers,
  inbox: [
    {
      types: [Create, Update],
      claims: (ctx, activity, deps) => inboxFor(deps).claims(ctx, activity),
      handle: (ctx, activity, deps) => inboxFor(deps).handle(ctx, activity),
    },
  ],
});
