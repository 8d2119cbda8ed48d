/**
 * The outbox events of agreements (src/db/outbox.ts): type → the schema of its
 * payload, ids only. federation/economy/relay-handlers.ts turns them into
 * FEP-0837 activities; the mutual-credit ledger listens to
 * `economy.agreement.fulfilled` (recorded on every node that holds the agreement:
 * `econ_agreements.local` tells the proposer's node from the responder's).
 */
import { z } from "zod";
import { defineEvents } from "../../db/outbox.ts";

const agreement = z.object({ agreementId: z.string() });

export const agreementEvents = defineEvents("economy", {
  /** A member here responded to a proposal: Offer(Agreement) to its agent. */
  "economy.agreement.offered": agreement,
  /** The proposal's agent here accepted: Accept(Offer) with the finalized Agreement. */
  "economy.agreement.accepted": agreement,
  /** The proposal's agent here rejected: Reject(Offer). */
  "economy.agreement.rejected": agreement,
  /** The responder here withdrew an offer not yet answered: Undo(Offer). */
  "economy.agreement.cancelled": agreement,
  /** Every primary commitment is fulfilled (here or as told by the other party). */
  "economy.agreement.fulfilled": agreement,
  /** A party here recorded an EconomicEvent on an agreement: Create to the other party. */
  "economy.event.recorded": agreement.extend({ eventId: z.string() }),
  /** A party here wrote in the agreement's thread: Create(Note) to the other party. */
  "economy.message.posted": agreement.extend({ messageId: z.string() }),
});
