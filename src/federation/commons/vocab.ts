/**
 * Synco's data commons vocabulary (docs/commons-context.jsonld): the JSON-LD
 * context every CommonsDataset, CommonsQuestion and CommonsAnswer document
 * carries inline, as decisions' and budgeting's do. The same object is the
 * documented file (a test compares them).
 */
export { ACTIVITY_JSON, AS_CONTEXT } from "../decisions/vocab.ts";

import { AS_CONTEXT } from "../decisions/vocab.ts";

/** The namespace of our data commons terms; an identifier, not a document. */
export const COMMONS_NS = "https://synco.coop/ns/commons#";

/**
 * Term definitions. `fields`, `query` and `noise` are JSON literals (`@json`):
 * the shapes of commons/fields.ts and of a release's noise list. `signedBody` is
 * a member node's release exactly as it signed it (canonical JSON, keys sorted),
 * `signature` its Ed25519 signature (base64url) under `keyId`.
 */
export const COMMONS_CONTEXT = {
  dp: COMMONS_NS,
  xsd: "http://www.w3.org/2001/XMLSchema#",
  CommonsDataset: "dp:CommonsDataset",
  CommonsQuestion: "dp:CommonsQuestion",
  CommonsAnswer: "dp:CommonsAnswer",
  unit: "dp:unit",
  fields: { "@id": "dp:fields", "@type": "@json" },
  period: "dp:period",
  budgetRho: { "@id": "dp:budgetRho", "@type": "xsd:double" },
  defaultRho: { "@id": "dp:defaultRho", "@type": "xsd:double" },
  rowsPerUnit: { "@id": "dp:rowsPerUnit", "@type": "xsd:positiveInteger" },
  rowsPerMember: { "@id": "dp:rowsPerMember", "@type": "xsd:positiveInteger" },
  dataset: { "@id": "dp:dataset", "@type": "@id" },
  query: { "@id": "dp:query", "@type": "@json" },
  rho: { "@id": "dp:rho", "@type": "xsd:double" },
  outcome: "dp:outcome",
  reason: "dp:reason",
  release: { "@id": "dp:release", "@type": "@id" },
  noise: { "@id": "dp:noise", "@type": "@json" },
  signedBody: "dp:signedBody",
  signature: "dp:signature",
  keyId: { "@id": "dp:keyId", "@type": "@id" },
} as const;

/** The `@context` of our documents: ActivityStreams, then our terms. */
export const DOCUMENT_CONTEXT = [AS_CONTEXT, COMMONS_CONTEXT] as const;
