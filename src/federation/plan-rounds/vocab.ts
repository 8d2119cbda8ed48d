/**
 * Synco's plan-round vocabulary (docs/planning.md, "Federation"): the JSON-LD
 * context every PlanRound document carries inline, as the opsroom's and
 * budgeting's do. Commitments borrow ValueFlows' terms where they fit
 * (provider, receiver, resourceConformsTo); the explanation (shadow prices)
 * is ours.
 */
import { AS_CONTEXT } from "../decisions/vocab.ts";

/** The namespace of our plan terms; an identifier, not a document. */
export const PLAN_NS = "https://synco.coop/ns/plan#";
const VF = "https://w3id.org/valueflows/ont/vf#";

export const PLAN_CONTEXT = {
  plan: PLAN_NS,
  vf: VF,
  xsd: "http://www.w3.org/2001/XMLSchema#",
  PlanRound: "plan:PlanRound",
  Commitment: "vf:Commitment",
  status: "plan:status",
  revision: { "@id": "plan:revision", "@type": "xsd:nonNegativeInteger" },
  solverVersion: "plan:solverVersion",
  weights: { "@id": "plan:weights", "@type": "@json" },
  diagnosis: { "@id": "plan:diagnosis", "@type": "@json" },
  commitments: { "@id": "plan:commitment", "@type": "@id", "@container": "@list" },
  provider: { "@id": "vf:provider", "@type": "@id" },
  receiver: { "@id": "vf:receiver", "@type": "@id" },
  resourceConformsTo: { "@id": "vf:resourceConformsTo", "@type": "@id" },
  unit: "plan:unit",
  /** Thousandths of the unit, as the marketplace counts. */
  quantity: { "@id": "plan:quantity", "@type": "xsd:integer" },
  offer: { "@id": "plan:offer", "@type": "@id" },
  request: { "@id": "plan:request", "@type": "@id" },
  unitCost: { "@id": "plan:unitCost", "@type": "xsd:double" },
  destinationPrice: { "@id": "plan:destinationPrice", "@type": "xsd:double" },
  marginalCost: { "@id": "plan:marginalCost", "@type": "xsd:double" },
  supplyPrice: { "@id": "plan:supplyPrice", "@type": "xsd:double" },
  providerAnswer: "plan:providerAnswer",
  receiverAnswer: "plan:receiverAnswer",
} as const;

export const DOCUMENT_CONTEXT = [AS_CONTEXT, PLAN_CONTEXT] as const;

/** The object a co-op's Accept or Reject names first: its part of one revision. */
export const partUri = (roundUri: string, revision: number) => `${roundUri}/revisions/${revision}`;
export const partPattern = /^(.*\/plan-rounds\/[0-9a-f-]{36})\/revisions\/(\d{1,3})$/;
