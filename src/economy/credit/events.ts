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

/**
 * Recorded by agreements (src/economy/agreements, issue 20) when every primary
 * commitment is fulfilled; the ledger settles credit agreements on it (settle.ts).
 * Declared here as well so the ledger's handler has its schema (the same shape).
 */
export const agreementFulfilledEvents = defineEvents("economy", {
  "economy.agreement.fulfilled": z.object({ agreementId: z.string() }),
});
