/**
 * Single choice, multiple choice and dot votes: each option gathers weight
 * (or weighted dots); the most wins, the lot breaks a tie. The winner's share
 * for `threshold` is its votes over the weight cast (dot: over all dots placed).
 */

import { baseOf, byMost, passedOf, rankOptions, weightOf } from "./outcome.ts";
import type {
  Ballot,
  CountOptions,
  DotChoice,
  DotTally,
  MultipleChoice,
  MultipleTally,
  Outcome,
  RuleSettings,
  SingleChoice,
  SingleTally,
} from "./types.ts";

/** Ranks by `totals`; no winner when the top total is zero. */
function decide(s: RuleSettings, quorumMet: boolean, seed: string, totals: number[], of: number) {
  const { order, lotUsed } = rankOptions(totals.length, seed, byMost(totals));
  const top = order[0];
  const winner = top !== undefined && (totals[top] as number) > 0 ? top : undefined;
  const share = winner === undefined || of <= 0 ? null : (totals[winner] as number) / of;
  const outcome: Outcome = {
    quorumMet,
    passed: passedOf(s, quorumMet, share),
    winners: winner === undefined ? [] : [winner],
    ...(winner !== undefined && lotUsed ? { tieBrokenBy: "lot" as const } : {}),
  };
  return { order, outcome };
}

const sharesOf = (totals: number[], of: number) => totals.map((v) => (of > 0 ? v / of : 0));

export function countSingle(
  s: RuleSettings,
  ballots: readonly Ballot<SingleChoice>[],
  o: CountOptions,
): SingleTally {
  const { quorumMet, ...base } = baseOf(s, ballots, o);
  const votes = new Array<number>(s.options.length).fill(0);
  for (const b of ballots)
    votes[b.choice.option] = (votes[b.choice.option] as number) + weightOf(b);
  const { order, outcome } = decide(s, quorumMet, base.seed, votes, base.weight);
  return { rule: "single", ...base, votes, shares: sharesOf(votes, base.weight), order, outcome };
}

export function countMultiple(
  s: RuleSettings,
  ballots: readonly Ballot<MultipleChoice>[],
  o: CountOptions,
): MultipleTally {
  const { quorumMet, ...base } = baseOf(s, ballots, o);
  const votes = new Array<number>(s.options.length).fill(0);
  for (const b of ballots) {
    const w = weightOf(b);
    for (const i of b.choice.options) votes[i] = (votes[i] as number) + w;
  }
  const { order, outcome } = decide(s, quorumMet, base.seed, votes, base.weight);
  return { rule: "multiple", ...base, votes, shares: sharesOf(votes, base.weight), order, outcome };
}

export function countDot(
  s: RuleSettings,
  ballots: readonly Ballot<DotChoice>[],
  o: CountOptions,
): DotTally {
  const { quorumMet, ...base } = baseOf(s, ballots, o);
  const dots = new Array<number>(s.options.length).fill(0);
  for (const b of ballots) {
    const w = weightOf(b);
    b.choice.dots.forEach((d, i) => {
      dots[i] = (dots[i] as number) + d * w;
    });
  }
  const placed = dots.reduce((a, b) => a + b, 0);
  const { order, outcome } = decide(s, quorumMet, base.seed, dots, placed);
  return { rule: "dot", ...base, dots, shares: sharesOf(dots, placed), order, outcome };
}
