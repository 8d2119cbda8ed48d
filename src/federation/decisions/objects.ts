/**
 * Decisions and ballots as documents of our extension vocabulary (vocab.ts,
 * docs/decisions-context.jsonld): pure converters from the federation's view of
 * a row to JSON-LD, no database. A Decision is served at its id by the hosting
 * node and travels by reference (Create / Update by the Group); a Ballot is
 * served by the voter's node to the hosting node only (serve.ts) and announced
 * to the Group alone by a Create (or Update, for a changed vote).
 */
import type { RemoteDecisionInput } from "../../governance/decisions/elsewhere.ts";
import type { BallotChoice, RuleSettings, Tally } from "../../governance/decisions/types.ts";
import { DOCUMENT_CONTEXT } from "./vocab.ts";

/**
 * A decision as the federation shows it (built from the hosting node's row): what
 * a member's node receives (governance/decisions/elsewhere.ts), with the tally typed.
 */
export interface DecisionView extends Omit<RemoteDecisionInput, "tally"> {
  /** Only when others may see it (tallyForOthers). */
  tally: Tally | null;
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
  /** With onBehalfOf: the co-op's active members, for decisions weighted by members. */
  coopMembers: number | null;
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
    weighting: d.weighting,
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
    ...(b.onBehalfOf && b.coopMembers ? { coopMembers: b.coopMembers } : {}),
    published: b.createdAt,
    updated: b.updatedAt,
  };
}
