/**
 * The social network's part of federation, plugged into the core through its
 * extension points (src/federation/extensions.ts): handlers for the social
 * outbox events, and inbox handlers for Create, Update, Delete, Announce, Like,
 * Undo, Flag and Block — every such activity the groups do not claim (it is not
 * addressed to a Group here, nor announced by a Group we follow): posts of any
 * kind, group posts elsewhere among them. Loaded with Fedify, lazily (see src/app.ts).
 */
import type { InboxContext } from "@fedify/fedify";
import {
  type Activity,
  Announce,
  Block,
  Create,
  Delete,
  Flag,
  Like,
  Undo,
  Update,
} from "@fedify/vocab";
import { socialEvents } from "../../social/events.ts";
import type { FederationDeps } from "../deps.ts";
import { type AreaExtension, areaExtension, perDeps } from "../extensions.ts";
import { signedLoader } from "../lookup.ts";
import { backfillOutbox } from "./backfill.ts";
import { socialInbox } from "./inbox-handlers.ts";
import { socialEventHandlers } from "./relay-handlers.ts";

const inboxFor = perDeps(socialInbox);

async function handle(
  ctx: InboxContext<void>,
  activity: Activity,
  deps: FederationDeps,
): Promise<void> {
  const social = inboxFor(deps);
  if (activity instanceof Create) await social.onCreate(ctx, activity);
  else if (activity instanceof Announce) await social.onAnnounce(ctx, activity);
  else if (activity instanceof Like) await social.onLike(ctx, activity);
  else if (activity instanceof Flag) await social.onFlag(ctx, activity);
  else if (activity instanceof Block) await social.onBlock(ctx, activity);
  else if (activity instanceof Delete) await social.onDelete(ctx, activity);
  else if (activity instanceof Update || activity instanceof Undo) {
    const object = await activity
      .getObject({ documentLoader: await signedLoader(ctx), suppressError: true })
      .catch(() => null);
    if (activity instanceof Update) await social.onUpdate(ctx, activity, object);
    else await social.onUndo(ctx, activity, object);
  }
}

export const socialExtension: AreaExtension = areaExtension({
  area: "social",
  events: socialEvents,
  eventHandlers: socialEventHandlers,
  inbox: [
    {
      types: [Create, Update, Delete, Announce, Like, Undo, Flag, Block],
      handle,
      // A new follow shows the followed actor's recent posts (Mastodon does the same).
      followAccepted: async (ctx, deps, followeeUri) => {
        await backfillOutbox(ctx, deps, followeeUri);
      },
    },
  ],
});
