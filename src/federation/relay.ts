/**
 * The relay of the transactional outbox (DESIGN.md, "Durable federation"): it
 * takes committed outbox_events in id order, turns each into activities, hands
 * them to Fedify's queue (ctx.sendActivity) and only then marks the event relayed.
 * A crash between the two re-relays the event; its activities get the same ids
 * (derived from the event id, or the follow's id for a Follow), so receiving
 * inboxes drop the repeat. Delivery itself is Fedify's: at least once, retried
 * with exponential backoff.
 *
 * Each type's handler and payload schema come from the areas' extensions (the
 * core's first, combined by extensions.ts); the worker runs it when an outbox write
 * commits (Db.onOutboxWritten) and on its poll.
 */
import type { Context, Federation } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import { ifNotHeldElsewhere } from "../db/advisory-lock.ts";
import type { OutboxEventRow } from "../db/outbox.ts";
import { recipientOf } from "./audience.ts";
import type { FederationDeps } from "./deps.ts";
import type { RelayRoute } from "./extensions.ts";

export { recipientOf };

const logger = getLogger(["synco", "federation", "relay"]);

export class Relay {
  readonly #federation: Federation<void>;
  readonly #deps: FederationDeps;
  readonly #failures = new Map<string, number>();
  readonly #routes: ReadonlyMap<string, RelayRoute>;

  /** `routes`: each event type's schema and handler (extensions.ts, `combineExtensions`). */
  constructor(
    federation: Federation<void>,
    deps: FederationDeps,
    routes: ReadonlyMap<string, RelayRoute> = new Map(),
  ) {
    this.#federation = federation;
    this.#deps = deps;
    this.#routes = routes;
  }

  /**
   * Relays up to `limit` pending events; returns how many were handled. Several
   * worker processes on one PostgreSQL take turns (0 when another one is relaying):
   * two passes at once would both read the same pending events and queue each
   * event's activities twice.
   */
  async relayPending(limit = 100): Promise<number> {
    return (
      (await ifNotHeldElsewhere(this.#deps.db, "synco:outbox-relay", () =>
        this.#relayPending(limit),
      )) ?? 0
    );
  }

  async #relayPending(limit: number): Promise<number> {
    const { db } = this.#deps.db;
    const events = await db
      .selectFrom("outbox_events")
      .selectAll()
      .where("relayed_at", "is", null)
      .orderBy("id")
      .limit(limit)
      .execute();
    const ctx = this.#federation.createContext(new URL(this.#deps.config.origin), undefined);
    let done = 0;
    for (const event of events) {
      try {
        await this.#relay(ctx, event);
      } catch (error) {
        // Stop here so events keep their order; a poisoned event is given up after 5 tries.
        const tries = (this.#failures.get(event.id) ?? 0) + 1;
        this.#failures.set(event.id, tries);
        logger.error("Relaying event {id} ({type}) failed (try {tries}): {error}", {
          id: event.id,
          type: event.type,
          tries,
          error,
        });
        if (tries < 5) break;
      }
      this.#failures.delete(event.id);
      await db
        .updateTable("outbox_events")
        .set({ relayed_at: this.#deps.clock.now().toISOString() })
        .where("id", "=", event.id)
        .execute();
      done++;
    }
    return done;
  }

  async #relay(ctx: Context<void>, event: OutboxEventRow): Promise<void> {
    const route = this.#routes.get(event.type);
    if (!route) {
      // Events of areas that do not federate (yet) are marked relayed and left.
      logger.debug("No activity for event type {type}", { type: event.type });
      return;
    }
    // A payload its schema refuses throws: retried, then given up like any failure.
    const payload = route.schema.parse(JSON.parse(event.payload));
    await route.handle(ctx, this.#deps, event, payload);
  }
}
