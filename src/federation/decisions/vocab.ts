/**
 * Synco's decisions vocabulary (docs/decisions-context.jsonld): the JSON-LD
 * context every Decision and Ballot document carries, inline, so no receiver
 * ever fetches it (a context URL would be fetched by each JSON-LD processor,
 * and the term IRIs need not resolve). The same object is the documented file.
 */

export const AS_CONTEXT = "https://www.w3.org/ns/activitystreams";

/** The namespace of our terms; an identifier, not a document. */
export const DECISIONS_NS = "https://synco.coop/ns/decisions#";

/**
 * Term definitions. `settings`, `tally` and `choice` are JSON literals (`@json`,
 * JSON-LD 1.1): their shapes are the counting engine's (governance/decisions/types.ts)
 * and travel as they are, not as RDF.
 */
export const DECISIONS_CONTEXT = {
  synco: DECISIONS_NS,
  xsd: "http://www.w3.org/2001/XMLSchema#",
  Decision: "synco:Decision",
  Ballot: "synco:Ballot",
  DecisionOption: "synco:DecisionOption",
  rule: "synco:rule",
  options: { "@id": "synco:options", "@container": "@list" },
  explanation: "synco:explanation",
  opens: { "@id": "synco:opens", "@type": "xsd:dateTime" },
  closes: { "@id": "synco:closes", "@type": "xsd:dateTime" },
  closed: { "@id": "synco:closed", "@type": "xsd:dateTime" },
  ballotKind: "synco:ballotKind",
  resultsVisibility: "synco:resultsVisibility",
  voteChanges: { "@id": "synco:voteChanges", "@type": "xsd:boolean" },
  votersCount: { "@id": "synco:votersCount", "@type": "xsd:nonNegativeInteger" },
  round: { "@id": "synco:round", "@type": "xsd:nonNegativeInteger" },
  settings: { "@id": "synco:settings", "@type": "@json" },
  tally: { "@id": "synco:tally", "@type": "@json" },
  outcome: "synco:outcome",
  reviewAt: { "@id": "synco:reviewAt", "@type": "xsd:dateTime" },
  decision: { "@id": "synco:decision", "@type": "@id" },
  choice: { "@id": "synco:choice", "@type": "@json" },
  onBehalfOf: { "@id": "synco:onBehalfOf", "@type": "@id" },
  weighting: "synco:weighting",
  coopMembers: { "@id": "synco:coopMembers", "@type": "xsd:positiveInteger" },
} as const;

/** The `@context` of our documents: ActivityStreams, then our terms. */
export const DOCUMENT_CONTEXT = [AS_CONTEXT, DECISIONS_CONTEXT] as const;

/** The media type our documents are served and asked for with. */
export const ACTIVITY_JSON = "application/activity+json";
