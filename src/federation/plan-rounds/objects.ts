/** A round (as a member co-op may read it, economy/plan-rounds/outgoing.ts) → our JSON-LD document. */
import type { ReceivedPlan } from "../../economy/plan-rounds/copies.ts";
import { DOCUMENT_CONTEXT } from "./vocab.ts";

export function planDocument(plan: ReceivedPlan) {
  return {
    "@context": DOCUMENT_CONTEXT,
    id: plan.uri,
    type: "PlanRound",
    attributedTo: plan.groupUri,
    name: plan.title,
    status: plan.status,
    endTime: plan.deadline,
    revision: plan.revision,
    solverVersion: plan.solverVersion,
    weights: plan.weights,
    ...(plan.diagnosis ? { diagnosis: plan.diagnosis } : {}),
    commitments: plan.commitments.map((c) => ({
      id: c.uri,
      type: "Commitment",
      revision: c.revision,
      provider: c.providerUri,
      receiver: c.receiverUri,
      resourceConformsTo: c.specUri,
      name: c.name,
      unit: c.unit,
      quantity: c.quantity,
      offer: c.offerUri,
      request: c.requestUri,
      unitCost: c.unitCost,
      destinationPrice: c.destinationPrice,
      marginalCost: c.marginalCost,
      supplyPrice: c.supplyPrice,
      ...(c.providerAnswer ? { providerAnswer: c.providerAnswer } : {}),
      ...(c.receiverAnswer ? { receiverAnswer: c.receiverAnswer } : {}),
    })),
  };
}
