/**
 * The transactional outbox (DESIGN.md, "Durable federation"): a capability
 * records what happened in the same transaction as the change itself, so the
 * event exists if and only if the change committed. The federation relay later
 * turns committed events into activities and marks them relayed. Capabilities
 * import this module, never federation code.
 *
 * Every event type is declared once, in its area's `events.ts` (a name
 * `<area>.<noun>.<past>` → the zod schema of its payload): `recordEvent` accepts
 * only those names with their payloads, and the relay parses with the same map.
 */
import type { Kysely, Selectable } from "kysely";
import type { z } from "zod";
import type { accountsEvents } from "../accounts/events.ts";
import type { commonsEvents } from "../commons/events.ts";
import type { agreementEvents } from "../economy/agreements/events.ts";
import type { creditEvents } from "../economy/credit/events.ts";
import type { marketEvents } from "../economy/market/events.ts";
import type { opsroomEvents } from "../economy/opsroom/events.ts";
import type { planRoundEvents } from "../economy/plan-rounds/events.ts";
import type { followEvents } from "../federation/events.ts";
import type { budgetingEvents } from "../governance/budgeting/processes/events.ts";
import type { decisionsEvents } from "../governance/decisions/events.ts";
import type { decisionFederationEvents } from "../governance/decisions/federation-events.ts";
import type { groupsEvents } from "../groups/events.ts";
import { newId } from "../kernel/ids.ts";
import type { mediaEvents } from "../media/events.ts";
import type { movingEvents } from "../moving/events.ts";
import type { socialEvents } from "../social/events.ts";
import type { OutboxEventsTable, Schema } from "./schema.ts";

/** An area's event types: `<area>.<noun>.<past>` → the schema of the payload. */
export type EventSchemas<Area extends string = string> = {
  readonly [type in `${Area}.${string}.${string}`]: z.ZodType;
};

/**
 * Declares an area's events. The area prefix is checked, so two areas can never
 * declare the same name.
 */
export function defineEvents<const Area extends string, const M extends EventSchemas<Area>>(
  _area: Area,
  schemas: M & Record<Exclude<keyof M, `${Area}.${string}.${string}`>, never>,
): M {
  return schemas;
}

/** Every event type of the node and its payload's schema. */
export type OutboxEventSchemas = typeof accountsEvents &
  typeof followEvents &
  typeof socialEvents &
  typeof groupsEvents &
  typeof decisionsEvents &
  typeof decisionFederationEvents &
  typeof mediaEvents &
  typeof movingEvents &
  typeof commonsEvents &
  typeof opsroomEvents &
  typeof planRoundEvents &
  typeof budgetingEvents &
  typeof marketEvents &
  typeof agreementEvents &
  typeof creditEvents;

export type OutboxEventType = keyof OutboxEventSchemas & string;

/** What a capability records: a known type with the payload its schema describes. */
export type NewOutboxEvent = {
  [T in OutboxEventType]: { type: T; payload: z.input<OutboxEventSchemas[T]> };
}[OutboxEventType];

/** The parsed payload of an event type (what the relay's handler is given). */
export type EventPayload<T extends OutboxEventType> = z.output<OutboxEventSchemas[T]>;

/** An event as stored in outbox_events (payload still JSON text). */
export type OutboxEventRow = Selectable<OutboxEventsTable>;

/** Pass the transaction the change is written in. */
export async function recordEvent(trx: Kysely<Schema>, event: NewOutboxEvent): Promise<string> {
  const id = newId();
  await trx
    .insertInto("outbox_events")
    .values({
      id,
      type: event.type,
      payload: JSON.stringify(event.payload),
      // The system's time, as the event's id (UUIDv7) already carries it: the relay
      // orders by id, and an activity's `published` must not disagree with it.
      created_at: new Date().toISOString(),
    })
    .execute();
  return id;
}
