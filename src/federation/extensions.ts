/**
 * How later areas plug into federation without editing the core: handlers for
 * their outbox event types (the relay calls them by type) and inbox handlers for
 * the activity types they understand (Create, Announce, Like, Update or Delete of
 * their objects, …). The core keeps follows and actors; whatever it does not take
 * goes to exactly one extension, chosen by the actor it is addressed to (`claims`),
 * and is skipped with a log line when none takes its type.
 * Extensions are loaded with Fedify (lazily), so they may import it freely.
 */
import type { Context, InboxContext } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";
import type { Selectable } from "kysely";
import type { OutboxEventsTable } from "../db/schema.ts";
import type { FederationDeps } from "./deps.ts";

export type OutboxEvent = Selectable<OutboxEventsTable>;

/** Turns one outbox event into activities (ctx.sendActivity); ids must be stable per event. */
export type EventHandler = (
  ctx: Context<void>,
  deps: FederationDeps,
  event: OutboxEvent,
  payload: unknown,
) => Promise<void>;

export interface InboxExtension {
  /** The activity classes (from @fedify/vocab: Create, Announce, …) it may handle. */
  types: (typeof Activity)[];
  /**
   * Is the activity addressed to (or sent by) one of this area's actors? Decides,
   * writing nothing; the first extension that claims an activity takes it alone.
   * An extension without `claims` takes what no other claims (the social network).
   */
  claims?(ctx: InboxContext<void>, activity: Activity, deps: FederationDeps): Promise<boolean>;
  /** Handles the activity (what it cannot use it skips with a log line; it never hands it on). */
  handle(ctx: InboxContext<void>, activity: Activity, deps: FederationDeps): Promise<void>;
  /** Told when a remote actor accepted a member's Follow (to fetch its recent posts, say). */
  followAccepted?(
    ctx: InboxContext<void>,
    deps: FederationDeps,
    followeeUri: string,
  ): Promise<void>;
}

export interface FederationExtensions {
  eventHandlers?: Record<string, EventHandler>;
  inbox?: InboxExtension[];
}

/** One value per node's deps (an area's inbox handlers), made on first use. */
export function perDeps<T>(make: (deps: FederationDeps) => T): (deps: FederationDeps) => T {
  const made = new WeakMap<FederationDeps, T>();
  return (deps) => {
    let value = made.get(deps);
    if (value === undefined) {
      value = make(deps);
      made.set(deps, value);
    }
    return value;
  };
}
