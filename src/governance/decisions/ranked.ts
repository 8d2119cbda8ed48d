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

/** Ballots sampled to judge whether merging identical rankings pays. */
const SAMPLE = 2000;

/**
 * Merging pays when rankings repeat (real electorates: factions, short
 * ballots); when a sample shows nearly all distinct, building the map costs
 * more than it saves, so each ballot becomes its own group. The counts are the
 * same either way.
 */
function worthMerging(ballots: readonly Ballot<RankedChoice>[]): boolean {
  if (ballots.length <= SAMPLE) return true;
  const seen = new Set<string>();
  const step = Math.floor(ballots.length / SAMPLE);
  for (let i = 0; i < SAMPLE; i++)
    seen.add(String.fromCharCode(...(ballots[i * step] as Ballot<RankedChoice>).choice.ranking));
  return seen.size < SAMPLE * 0.9;
}

export function gatherRankings(
  ballots: readonly Ballot<RankedChoice>[],
  merge = worthMerging(ballots),
): RankedProfile {
  if (!merge) {
    const start = new Int32Array(ballots.length + 1);
    ballots.forEach((b, g) => {
      start[g + 1] = (start[g] as number) + b.choice.ranking.length;
    });
    const options = new Int32Array(start[ballots.length] as number);
    const weight = new Float64Array(ballots.length);
    // A plain loop: TypedArray.set from a JS array takes a slow generic path.
    for (let g = 0; g < ballots.length; g++) {
      const b = ballots[g] as Ballot<RankedChoice>;
      const r = b.choice.ranking;
      const at = start[g] as number;
      for (let k = 0; k < r.length; k++) options[at + k] = r[k] as number;
      weight[g] = weightOf(b);
    }
    return { options, start, weight, groups: ballots.length };
  }
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
  for (let g = 0; g < rankings.length; g++) {
    const r = rankings[g] as number[];
    const at = start[g] as number;
    for (let k = 0; k < r.length; k++) options[at + k] = r[k] as number;
  }
  return { options, start, weight: Float64Array.from(weights), groups: rankings.length };
}
