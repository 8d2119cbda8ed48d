/**
 * How later areas plug into federation without editing the core: handlers for
 * their outbox event types (the relay calls them by type) and inbox handlers for
 * the activity types they understand (Create, Announce, Like, Update or Delete of
 * their objects, …). The core keeps follows and actors; whatever it does not take
 * goes to exactly one extension, chosen by the actor it is addressed to (`claims`),
 * and is skipped with a log line when none takes its type.
 * Extensions are loaded with Fedify (lazily), so they may import it freely.
 *
 * The areas are an ordered list (federation-gateway.ts) combined by
 * `combineExtensions`, which refuses two handlers for one event type.
 */
import type { Context, InboxContext } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";
import type { z } from "zod";
import type { EventSchemas, OutboxEventRow } from "../db/outbox.ts";
import type { FederationDeps } from "./deps.ts";

/**
 * Turns one outbox event into activities (ctx.sendActivity); ids must be stable per
 * event. `payload` has been parsed with the schema the area declared for the type.
 */
export type EventHandler<Payload = unknown> = (
  ctx: Context<void>,
  deps: FederationDeps,
  event: OutboxEventRow,
  payload: Payload,
) => Promise<void>;

/** Handlers for some of an area's event types, each given its own payload type. */
export type EventHandlers<M extends EventSchemas> = {
  readonly [T in keyof M]?: EventHandler<z.output<M[T]>>;
};

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

/** One area's part of federation, with its payload types erased (see `areaExtension`). */
export interface AreaExtension {
  /** Named in errors (a duplicate handler) and logs. */
  readonly area: string;
  readonly events: EventSchemas;
  readonly eventHandlers: Readonly<Record<string, EventHandler>>;
  readonly inbox: readonly InboxExtension[];
}

/**
 * An area's extension: its event schemas (the map its capabilities record with)
 * and handlers typed by them. The relay parses each payload with that schema
 * before calling the handler, so handlers need no parsing of their own.
 */
export function areaExtension<M extends EventSchemas>(parts: {
  area: string;
  events: M;
  eventHandlers?: EventHandlers<M>;
  inbox?: readonly InboxExtension[];
}): AreaExtension {
  return {
    area: parts.area,
    events: parts.events,
    // Safe: the relay calls a handler only with a payload its schema parsed.
    eventHandlers: (parts.eventHandlers ?? {}) as Record<string, EventHandler>,
    inbox: parts.inbox ?? [],
  };
}

/** An event type's schema and handler, and the area they come from. */
export interface RelayRoute {
  area: string;
  schema: z.ZodType;
  handle: EventHandler;
}

/** The areas' extensions combined: one route per event type, the inbox handlers in order. */
export interface Extensions {
  routes: ReadonlyMap<string, RelayRoute>;
  inbox: readonly InboxExtension[];
}

/**
 * Combines the areas' extensions in the order given (the inbox offers an activity
 * to them in that order). Two handlers for one event type are refused rather than
 * one silently replacing the other, as is a handler for a type its area did not declare.
 */
export function combineExtensions(list: readonly AreaExtension[]): Extensions {
  const routes = new Map<string, RelayRoute>();
  for (const extension of list) {
    for (const [type, handle] of Object.entries(extension.eventHandlers)) {
      const taken = routes.get(type);
      if (taken)
        throw new Error(
          `Two handlers for the outbox event type ${type}: areas ${taken.area} and ${extension.area}`,
        );
      const schema = (extension.events as Record<string, z.ZodType | undefined>)[type];
      if (!schema)
        throw new Error(`Area ${extension.area} handles ${type} but declares no such event`);
      routes.set(type, { area: extension.area, schema, handle });
    }
  }
  return { routes, inbox: list.flatMap((extension) => extension.inbox) };
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
