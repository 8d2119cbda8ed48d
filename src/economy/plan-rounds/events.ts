/**
 * The outbox events of plan rounds (src/db/outbox.ts): type → payload schema.
 * The relay's handlers (federation/plan-rounds/relay-handlers.ts) parse stored
 * payloads with the same schemas.
 */
import { z } from "zod";
import { defineEvents } from "../../db/outbox.ts";

const round = z.object({ roundId: z.string(), revision: z.number().int().min(0) });

export const planRoundEvents = defineEvents("plan-rounds", {
  /** A revision was solved here and published: the Group's Create (first) or Update to its member co-ops. */
  "plan-rounds.round.published": round,
  /** A round hosted here closed (or proved infeasible): the Group's Update to its member co-ops. */
  "plan-rounds.round.closed": round,
  /** Our co-op answered its part of a round hosted elsewhere: Accept/Reject to the federation. */
  "plan-rounds.part.answered": round,
});
