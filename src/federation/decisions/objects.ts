/**
 * Decisions and ballots as documents of our extension vocabulary (vocab.ts,
 * docs/decisions-context.jsonld): pure converters from the federation's view of
 * a row to JSON-LD, no database. A Decision is served at its id by the hosting
 * node and travels by reference (Create / Update by the Group); a Ballot is
 * served by the voter's node to the hosting node only (serve.ts) and announced
 * to the Group alone by a Create (or Update, for a changed vote).
 */
import type { BallotChoice, Rule, RuleSettings, Tally } from "../../governance/decisions/types.ts";
import { DOCUMENT_CONTEXT } from "./vocab.ts";

export type BallotKind = "named" | "anonymous" | "secret";
export type ResultsVisibility = "always" | "after-vote" | "after-close";

/** A decision as the federation shows it (built from the hosting node's row). */
export interface DecisionView {
  uri: string;
  groupUri: string;
  /** The thread's root post, where the proposal is discussed. */
  threadUri: string | null;
  createdByUri: string;
  title: string;
  /** The proposal as written (plain text). */
  body: string;
  rule: Rule;
  settings: RuleSettings;
  options: { label: string; explanation: string }[];
  opensAt: string;
  closesAt: string;
  closedAt: string | null;
  ballot: BallotKind;
  resultsVisibility: ResultsVisibility;
  voteChanges: boolean;
  votersCount: number;
  round: number;
  /** Only when others may see it (tallyForOthers). */
  tally: Tally | null;
  outcome: string | null;
  reviewAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A vote cast from this node in a decision hosted elsewhere. */
export interface BallotView {
  uri: string;
  /** Who cast it: the member, or their co-op's delegate. */
  actorUri: string;
  decisionUri: string;
  groupUri: string;
  choice: BallotChoice;
  /** The co-op a delegate votes for, in a federation voting by delegates. */
  onBehalfOf: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * May the tally leave the hosting node? After closing always; before, unless the
 * results are hidden until closing ("after-vote" is enforced by the voter's own
 * node, which knows who of its members voted).
 */
export function tallyForOthers(d: Pick<DecisionView, "closedAt" | "resultsVisibility">): boolean {
  return d.closedAt !== null || d.resultsVisibility !== "after-close";
}

/** The settings without what the document says elsewhere (rule and option labels). */
function restOfSettings(s: RuleSettings): Omit<RuleSettings, "rule" | "options"> {
  const { rule: _rule, options: _options, ...rest } = s;
  return rest;
}

export function decisionDocument(d: DecisionView): Record<string, unknown> {
  return {
    "@context": DOCUMENT_CONTEXT,
    id: d.uri,
    type: "Decision",
    attributedTo: d.createdByUri,
    audience: d.groupUri,
    to: [d.groupUri],
    ...(d.threadUri ? { context: d.threadUri } : {}),
    name: d.title,
    content: d.body,
    mediaType: "text/plain",
    rule: d.rule,
    options: d.options.map((o) => ({
      type: "DecisionOption",
      name: o.label,
      ...(o.explanation ? { explanation: o.explanation } : {}),
    })),
    settings: restOfSettings(d.settings),
    opens: d.opensAt,
    closes: d.closesAt,
    ...(d.closedAt ? { closed: d.closedAt } : {}),
    ballotKind: d.ballot,
    resultsVisibility: d.resultsVisibility,
    voteChanges: d.voteChanges,
    votersCount: d.votersCount,
    round: d.round,
    ...(d.tally && tallyForOthers(d) ? { tally: d.tally } : {}),
    ...(d.outcome ? { outcome: d.outcome } : {}),
    ...(d.reviewAt ? { reviewAt: d.reviewAt } : {}),
    published: d.createdAt,
    updated: d.updatedAt,
  };
}

export function ballotDocument(b: BallotView): Record<string, unknown> {
  return {
    "@context": DOCUMENT_CONTEXT,
    id: b.uri,
    type: "Ballot",
    attributedTo: b.actorUri,
    // The hosting Group alone: a ballot is never public.
    to: [b.groupUri],
    decision: b.decisionUri,
    choice: b.choice,
    ...(b.onBehalfOf ? { onBehalfOf: b.onBehalfOf } : {}),
    published: b.createdAt,
    updated: b.updatedAt,
  };
}
