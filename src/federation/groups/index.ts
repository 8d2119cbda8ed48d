/**
 * The groups' part of federation (FEP-1b12), plugged in through the extension
 * points (src/federation/extensions.ts). The inbox's dispatcher gives groups
 * what they claim by the addressed actor (inbox.ts `claims`): an Announce by a
 * Group our members follow, a Create addressed to a group hosted here, a Follow
 * of one, …; everything else goes to the social network.
 */
import type { InboxContext } from "@fedify/fedify";
import {
  Accept,
  type Activity,
  Add,
  Announce,
  Create,
  Follow,
  Reject,
  Remove,
  Undo,
} from "@fedify/vocab";
import { groupsEvents } from "../../groups/events.ts";
import type { FederationDeps } from "../deps.ts";
import { type AreaExtension, areaExtension, type EventHandlers, perDeps } from "../extensions.ts";
import { sendRecentThreads } from "./backfill.ts";
import { groupsInbox } from "./inbox.ts";
import { groupsEventHandlers } from "./relay-handlers.ts";

const inboxFor = perDeps(groupsInbox);

async function handle(
  ctx: InboxContext<void>,
  activity: Activity,
  deps: FederationDeps,
): Promise<void> {
  const inbox = inboxFor(deps);
  if (activity instanceof Follow) await inbox.onFollow(ctx, activity);
  else if (activity instanceof Undo) await inbox.onUndo(ctx, activity);
  else if (activity instanceof Create) await inbox.onCreate(ctx, activity);
  else if (activity instanceof Announce) await inbox.onAnnounce(ctx, activity);
  else if (activity instanceof Add || activity instanceof Remove) await inbox.onDelegate(activity);
  else if (activity instanceof Accept || activity instanceof Reject) await inbox.onAnswer(activity);
}

const accepted = groupsEventHandlers["groups.member.accepted"];

/** The groups' event handlers; a remote member admitted also gets the recent threads. */
const eventHandlers: EventHandlers<typeof groupsEvents> = {
  ...groupsEventHandlers,
  async "groups.member.accepted"(ctx, deps, event, payload) {
    await accepted?.(ctx, deps, event, payload);
    await sendRecentThreads(ctx, deps, event, payload);
  },
};

/** Groups claim what is addressed to their actors (inbox.ts `claims`); the rest is social's. */
export const groupsExtension: AreaExtension = areaExtension({
  area: "groups",
  events: groupsEvents,
  eventHandlers,
  inbox: [
    {
      types: [Follow, Undo, Create, Announce, Add, Remove, Accept, Reject],
      claims: (ctx, activity, deps) => inboxFor(deps).claims(ctx, activity),
      handle,
    },
  ],
});
