/**
 * The transactional outbox (DESIGN.md, "Durable federation"): a capability
 * records what happened in the same transaction as the change itself, so the
 * event exists if and only if the change committed. The federation relay later
 * turns committed events into activities and marks them relayed. Capabilities
 * import this module, never federation code.
 */
import type { Kysely } from "kysely";
import { newId } from "../kernel/ids.ts";
import type { Schema } from "./schema.ts";

export type OutboxEvent = { type: string; payload: Record<string, unknown> };

/** Pass the transaction the change is written in. */
export async function recordEvent(trx: Kysely<Schema>, event: OutboxEvent): Promise<string> {
  const id = newId();
  await trx
    .insertInto("outbox_events")
    .values({
      id,
      type: event.type,
      payload: JSON.stringify(event.payload),
      created_at: new Date().toISOString(),
    })
    .execute();
  return id;
}
