/**
 * Score votes: every voter scores every option within an integer range.
 * Each option shows its weighted mean and weighted median; the highest mean
 * wins, a tie goes to the higher median, then to the lot. The winner's share
 * for `threshold` is its mean placed on the range (scoreMin = 0, scoreMax = 1).
 */

import { baseOf, passedOf, rankOptions, weightOf } from "./outcome.ts";
import type { Ballot, CountOptions, RuleSettings, ScoreChoice, ScoreTally } from "./types.ts";
import { scoreRange } from "./validate.ts";

/**
 * Weighted median from a histogram of weight per score: the middle value, or
 * the midpoint of the two middle values when the weight splits exactly in half
 * (so unweighted ballots give the textbook median).
 */
export function medianOf(histogram: ArrayLike<number>, lo: number, total: number): number | null {
  if (total <= 0) return null;
  const half = total / 2;
  let cum = 0;
  for (let k = 0; k < histogram.length; k++) {
    const h = histogram[k] as number;
    if (h === 0) continue;
    cum += h;
    if (Math.abs(cum - half) <= 1e-9 * total) {
      for (let j = k + 1; j < histogram.length; j++)
        if ((histogram[j] as number) > 0) return lo + (k + j) / 2;
      return lo + k;
    }
    if (cum > half) return lo + k;
  }
  return null;
}

export function countScore(
  s: RuleSettings,
  ballots: readonly Ballot<ScoreChoice>[],
  o: CountOptions,
): ScoreTally {
  const { quorumMet, ...base } = baseOf(s, ballots, o);
  const n = s.options.length;
  const [lo, hi] = scoreRange(s);
  const width = hi - lo + 1;
  const histogram = new Float64Array(n * width);
  const sums = new Array<number>(n).fill(0);
  for (const b of ballots) {
    const w = weightOf(b);
    b.choice.scores.forEach((v, i) => {
      sums[i] = (sums[i] as number) + v * w;
      histogram[i * width + v - lo] = (histogram[i * width + v - lo] as number) + w;
    });
  }
  const means = sums.map((sum) => (base.weight > 0 ? sum / base.weight : null));
  const medians = sums.map((_, i) =>
    medianOf(histogram.subarray(i * width, (i + 1) * width), lo, base.weight),
  );
  const { order, lotUsed } = rankOptions(
    n,
    base.seed,
    (a, b) => (means[b] ?? 0) - (means[a] ?? 0) || (medians[b] ?? 0) - (medians[a] ?? 0),
  );
  const winner = base.weight > 0 ? order[0] : undefined;
  const share = winner === undefined ? null : ((means[winner] as number) - lo) / (hi - lo);
  return {
    rule: "score",
    ...base,
    sums,
    means,
    medians,
    order,
    outcome: {
      quorumMet,
      passed: passedOf(s, quorumMet, share),
      winners: winner === undefined ? [] : [winner],
      ...(winner !== undefined && lotUsed ? { tieBrokenBy: "lot" as const } : {}),
    },
  };
}
