/**
 * Consent proposals: agree / abstain / disagree / block. A proposal passes
 * when quorum is met, the blocking weight stays below `blocksToStop`
 * (default 1: one block stops it), at least someone agrees, and the agree
 * share of the non-abstaining reaches `threshold` (default 0: consent is the
 * absence of a block, disagreeing is standing aside).
 */

import { baseOf, weightOf } from "./outcome.ts";
import type { Ballot, ConsentChoice, ConsentTally, CountOptions, RuleSettings } from "./types.ts";

export function countConsent(
  s: RuleSettings,
  ballots: readonly Ballot<ConsentChoice>[],
  o: CountOptions,
): ConsentTally {
  const base = baseOf(s, ballots, o);
  const positions = { agree: 0, abstain: 0, disagree: 0, block: 0 };
  for (const b of ballots) positions[b.choice.position] += weightOf(b);
  const sided = positions.agree + positions.disagree + positions.block;
  const agreeShare = sided > 0 ? positions.agree / sided : 0;
  const blocked = positions.block >= (s.blocksToStop ?? 1) - 1e-9;
  const passed =
    base.quorumMet && !blocked && positions.agree > 0 && agreeShare >= (s.threshold ?? 0) - 1e-9;
  const { quorumMet, ...rest } = base;
  return {
    rule: "consent",
    ...rest,
    positions,
    agreeShare,
    blocked,
    outcome: { quorumMet, passed, winners: [] },
  };
}
