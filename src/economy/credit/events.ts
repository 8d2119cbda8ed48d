/**
 * The outbox events of the mutual-credit ledger (src/db/outbox.ts), and the one
 * event of agreements it listens to. Payloads carry ids only.
 */
import { z } from "zod";
import { defineEvents } from "../../db/outbox.ts";

export const creditEvents = defineEvents("credit", {
  /** A transfer completed in a ledger hosted here (a new journal entry). */
  "credit.transfer.completed": z.object({ transferId: z.string() }),
  /** This co-op asked a ledger hosted elsewhere for a transfer (credit_requests): the Offer to send. */
  "credit.transfer.requested": z.object({ requestId: z.string() }),
});
