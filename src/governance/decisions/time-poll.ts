/**
 * Time polls ("when do we meet"): yes / if need be (maybe) / no per slot.
 * The best slot is the one most can attend (yes + maybe), then the one with
 * more yes, then the lot. The winner's share for `threshold` is its available
 * weight over the weight cast.
 */

import { baseOf, passedOf, rankOptions, weightOf } from "./outcome.ts";
import type { Ballot, CountOptions, RuleSettings, TimeChoice, TimeTally } from "./types.ts";

export function countTime(
  s: RuleSettings,
  ballots: readonly Ballot<TimeChoice>[],
  o: CountOptions,
): TimeTally {
  const { quorumMet, ...base } = baseOf(s, ballots, o);
  const n = s.options.length;
  const columns = {
    yes: new Array<number>(n).fill(0),
    maybe: new Array<number>(n).fill(0),
    no: new Array<number>(n).fill(0),
  };
  for (const b of ballots) {
    const w = weightOf(b);
    b.choice.answers.forEach((a, i) => {
      columns[a][i] = (columns[a][i] as number) + w;
    });
  }
  const { yes, maybe, no } = columns;
  const available = yes.map((y, i) => y + (maybe[i] as number));
  const { order, lotUsed } = rankOptions(
    n,
    base.seed,
    (a, b) =>
      (available[b] as number) - (available[a] as number) ||
      (yes[b] as number) - (yes[a] as number),
  );
  const top = order[0];
  const winner = top !== undefined && (available[top] as number) > 0 ? top : undefined;
  const share =
    winner === undefined || base.weight <= 0 ? null : (available[winner] as number) / base.weight;
  return {
    rule: "time",
    ...base,
    yes,
    maybe,
    no,
    order,
    outcome: {
      quorumMet,
      passed: passedOf(s, quorumMet, share),
      winners: winner === undefined ? [] : [winner],
      ...(winner !== undefined && lotUsed ? { tieBrokenBy: "lot" as const } : {}),
    },
  };
}
