/**
 * Synco's participatory budgeting vocabulary (docs/budgeting-context.jsonld):
 * the JSON-LD context every BudgetProcess and BudgetBallot document carries,
 * inline, as decisions' documents do (federation/decisions/vocab.ts): no
 * receiver ever fetches a context, and the term IRIs need not resolve. The
 * same object is the documented file (a test compares them).
 */
export { ACTIVITY_JSON, AS_CONTEXT } from "../decisions/vocab.ts";

import { AS_CONTEXT } from "../decisions/vocab.ts";

/** The namespace of our budgeting terms; an identifier, not a document. */
export const BUDGETING_NS = "https://synco.coop/ns/budgeting#";

/**
 * Term definitions. Money (`budget`, `cost`) is an integer in minor units of
 * the process's `currency`. `result` and `greedy` are JSON literals (`@json`):
 * the counting engine's CountResult (governance/budgeting/count.ts) as the host
 * stored it, without voter ids.
 */
export const BUDGETING_CONTEXT = {
  pb: BUDGETING_NS,
  xsd: "http://www.w3.org/2001/XMLSchema#",
  BudgetProcess: "pb:BudgetProcess",
  BudgetDistrict: "pb:BudgetDistrict",
  BudgetCategory: "pb:BudgetCategory",
  BudgetProject: "pb:BudgetProject",
  BudgetResult: "pb:BudgetResult",
  BudgetBallot: "pb:BudgetBallot",
  BudgetChoice: "pb:BudgetChoice",
  currency: "pb:currency",
  rule: "pb:rule",
  ballotKind: "pb:ballotKind",
  secrecy: "pb:secrecy",
  eligibility: "pb:eligibility",
  minProjects: { "@id": "pb:minProjects", "@type": "xsd:nonNegativeInteger" },
  maxProjects: { "@id": "pb:maxProjects", "@type": "xsd:nonNegativeInteger" },
  spendingCap: { "@id": "pb:spendingCap", "@type": "xsd:boolean" },
  points: { "@id": "pb:points", "@type": "xsd:nonNegativeInteger" },
  phase: "pb:phase",
  phaseChanged: { "@id": "pb:phaseChanged", "@type": "xsd:dateTime" },
  proposingEnds: { "@id": "pb:proposingEnds", "@type": "xsd:dateTime" },
  reviewEnds: { "@id": "pb:reviewEnds", "@type": "xsd:dateTime" },
  votingEnds: { "@id": "pb:votingEnds", "@type": "xsd:dateTime" },
  seed: "pb:seed",
  districts: { "@id": "pb:districts", "@container": "@list" },
  categories: { "@id": "pb:categories", "@container": "@list" },
  projects: { "@id": "pb:projects", "@container": "@set" },
  results: { "@id": "pb:results", "@container": "@set" },
  budget: { "@id": "pb:budget", "@type": "xsd:nonNegativeInteger" },
  cost: { "@id": "pb:cost", "@type": "xsd:nonNegativeInteger" },
  district: { "@id": "pb:district", "@type": "@id" },
  category: { "@id": "pb:category", "@type": "@id" },
  location: "pb:location",
  latitude: { "@id": "pb:latitude", "@type": "xsd:double" },
  longitude: { "@id": "pb:longitude", "@type": "xsd:double" },
  status: "pb:status",
  reviewNote: "pb:reviewNote",
  progress: { "@id": "pb:progress", "@type": "xsd:nonNegativeInteger" },
  result: { "@id": "pb:result", "@type": "@json" },
  greedy: { "@id": "pb:greedy", "@type": "@json" },
  ballotsCount: { "@id": "pb:ballotsCount", "@type": "xsd:nonNegativeInteger" },
  computed: { "@id": "pb:computed", "@type": "xsd:dateTime" },
  process: { "@id": "pb:process", "@type": "@id" },
  voter: { "@id": "pb:voter", "@type": "@id" },
  choices: { "@id": "pb:choices", "@container": "@set" },
  project: { "@id": "pb:project", "@type": "@id" },
  proposal: { "@id": "pb:proposal", "@type": "@id" },
} as const;

/** The `@context` of our documents: ActivityStreams, then our terms. */
export const DOCUMENT_CONTEXT = [AS_CONTEXT, BUDGETING_CONTEXT] as const;
