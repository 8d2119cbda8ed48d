/**
 * The groups' part of federation (FEP-1b12), plugged in through the extension
 * points (src/federation/extensions.ts). Groups' inbox handlers go before the
 * social network's: an Announce by a Group our members follow, or a Create
 * addressed to a group hosted here, is a group post and not a boost or a
 * timeline post; whatever groups do not take they return false on.
 */
import type { InboxContext } from "@fedify/fedify";
import {
  Accept,
  type Activity,
  Add,
  Announce,
  Create,
  Delete,
  Follow,
  Reject,
  Remove,
  Undo,
} from "@fedify/vocab";
import { groupsEvents } from "../../groups/events.ts";
import type { FederationDeps } from "../deps.ts";
import { type AreaExtension, areaExtension, type EventHandlers } from "../extensions.ts";
import { sendRecentThreads } from "./backfill.ts";
import { groupsInbox } from "./inbox.ts";
import { groupsEventHandlers } from "./relay-handlers.ts";

const inboxes = new WeakMap<FederationDeps, ReturnType<typeof groupsInbox>>();

async function handle(
  ctx: InboxContext<void>,
  activity: Activity,
  deps: FederationDeps,
): Promise<boolean> {
  let inbox = inboxes.get(deps);
  if (!inbox) {
    inbox = groupsInbox(deps);
    inboxes.set(deps, inbox);
  }
  if (activity instanceof Follow) return inbox.onFollow(ctx, activity);
  if (activity instanceof Undo) return inbox.onUndo(ctx, activity);
  if (activity instanceof Create) return inbox.onCreate(ctx, activity);
  if (activity instanceof Delete) return inbox.onDelete(activity);
  if (activity instanceof Announce) return inbox.onAnnounce(ctx, activity);
  if (activity instanceof Add || activity instanceof Remove) return inbox.onDelegate(activity);
  if (activity instanceof Accept || activity instanceof Reject) return inbox.onAnswer(activity);
  return false;
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

/** Before the social network's in the list: groups return false on what is not theirs. */
export const groupsExtension: AreaExtension = areaExtension({
  area: "groups",
  events: groupsEvents,
  eventHandlers,
  inbox: [{ types: [Follow, Undo, Create, Delete, Announce, Add, Remove, Accept, Reject], handle }],
});
