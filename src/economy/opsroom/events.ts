/**
 * The outbox events of the opsroom (src/db/outbox.ts): type → payload schema.
 * The relay's handlers (federation/indicators/relay-handlers.ts) parse stored
 * payloads with the same schemas.
 */
import { z } from "zod";
import { defineEvents } from "../../db/outbox.ts";

const groupUris = z.array(z.string()).max(100);

export const opsroomEvents = defineEvents("indicators", {
  /** A value (or a batch) reported: the indicator's state to the co-op's federations. */
  "indicators.indicator.reported": z.object({ indicatorIds: z.array(z.string()).max(500) }),
  /** An alarm escalated past its group's window: the co-op's Create to each federation elsewhere. */
  "indicators.alarm.escalated": z.object({ alarmId: z.string(), groupUris }),
  /** An escalated alarm acknowledged, resolved or marked false here: an Update to the same federations. */
  "indicators.alarm.changed": z.object({ alarmId: z.string() }),
  /** A federation hosted here escalates a member's alarm on to the federation above it. */
  "indicators.escalation.forwarded": z.object({ escalationId: z.string(), groupUris }),
});
