/**
 * Ranked ballots gathered for counting: identical rankings are merged into
 * one group carrying their summed weight, and the rankings are laid out in
 * one Int32Array, so IRV and Schulze work per distinct ranking, not per voter.
 */

import { weightOf } from "./outcome.ts";
import type { Ballot, RankedChoice } from "./types.ts";

export interface RankedProfile {
  /** Rankings of group g: options[start[g] .. start[g + 1]). */
  options: Int32Array;
  start: Int32Array;
  weight: Float64Array;
  groups: number;
}

export function gatherRankings(ballots: readonly Ballot<RankedChoice>[]): RankedProfile {
  const index = new Map<string, number>();
  const weights: number[] = [];
  const rankings: number[][] = [];
  for (const b of ballots) {
    // Option indexes are < 100, so one UTF-16 unit each makes a short exact key.
    const key = String.fromCharCode(...b.choice.ranking);
    const g = index.get(key);
    if (g === undefined) {
      index.set(key, weights.length);
      weights.push(weightOf(b));
      rankings.push(b.choice.ranking);
    } else weights[g] = (weights[g] as number) + weightOf(b);
  }
  const start = new Int32Array(rankings.length + 1);
  for (let g = 0; g < rankings.length; g++)
    start[g + 1] = (start[g] as number) + (rankings[g] as number[]).length;
  const options = new Int32Array(start[rankings.length] as number);
  rankings.forEach((r, g) => {
    options.set(r, start[g] as number);
  });
  return { options, start, weight: Float64Array.from(weights), groups: rankings.length };
}
