/**
 * The Schulze method (winning votes), as in M. Schulze, "The Schulze Method
 * of Voting" (arXiv:1804.02973), section 2: d[i][j] is the weight of voters
 * who rank i above j (a ranked option is above every unranked one; unranked
 * options are equal); a link i→j has strength d[i][j] when d[i][j] > d[j][i];
 * p[i][j] is the strength of the strongest path, found Floyd–Warshall style.
 * i is better than j when p[i][j] > p[j][i]; the potential winners are those
 * no one is better than. More than one potential winner: the lot chooses.
 *
 * Cost: O(distinct rankings × n²) for d (typed arrays), O(n³) for p.
 */

import { lotRank } from "./lot.ts";
import { baseOf, passedOf } from "./outcome.ts";
import { gatherRankings } from "./ranked.ts";
import type { Ballot, CountOptions, RankedChoice, RuleSettings, SchulzeTally } from "./types.ts";

/** d as a flat n×n array. */
export function pairwise(n: number, ballots: readonly Ballot<RankedChoice>[]): Float64Array {
  const { options, start, weight, groups } = gatherRankings(ballots);
  const d = new Float64Array(n * n);
  // ranked[x] marks the options of the current ballot; unranked ones rank below them all.
  const ranked = new Uint8Array(n);
  for (let g = 0; g < groups; g++) {
    const from = start[g] as number;
    const to = start[g + 1] as number;
    const w = weight[g] as number;
    for (let k = from; k < to; k++) ranked[options[k] as number] = 1;
    for (let k = from; k < to; k++) {
      const row = (options[k] as number) * n;
      for (let l = k + 1; l < to; l++) {
        const cell = row + (options[l] as number);
        d[cell] = (d[cell] as number) + w;
      }
      if (to - from < n)
        for (let j = 0; j < n; j++) if (!ranked[j]) d[row + j] = (d[row + j] as number) + w;
    }
    for (let k = from; k < to; k++) ranked[options[k] as number] = 0;
  }
  return d;
}

/** Strongest paths (winning votes) from a flat d. */
export function strongestPaths(n: number, d: Float64Array): Float64Array {
  const p = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const dij = d[i * n + j] as number;
      if (i !== j && dij > (d[j * n + i] as number)) p[i * n + j] = dij;
    }
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const pji = p[j * n + i] as number;
      if (pji === 0) continue;
      for (let k = 0; k < n; k++) {
        if (k === i || k === j) continue;
        const via = Math.min(pji, p[i * n + k] as number);
        if (via > (p[j * n + k] as number)) p[j * n + k] = via;
      }
    }
  return p;
}

const square = (n: number, flat: Float64Array): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * n, (i + 1) * n)));

export function countSchulze(
  s: RuleSettings,
  ballots: readonly Ballot<RankedChoice>[],
  o: CountOptions,
): SchulzeTally {
  const { quorumMet, ...base } = baseOf(s, ballots, o);
  const n = s.options.length;
  const d = pairwise(n, ballots);
  const p = strongestPaths(n, d);
  const beats = (i: number, j: number) => (p[i * n + j] as number) > (p[j * n + i] as number);
  // "Better" is transitive (Schulze, section 4.1), so ordering by how many
  // options each beats extends it; equal counts and the top go to the lot.
  const wins = Array.from({ length: n }, (_, i) => {
    let w = 0;
    for (let j = 0; j < n; j++) if (beats(i, j)) w++;
    return w;
  });
  const potentialWinners: number[] = [];
  for (let i = 0; i < n; i++) {
    let beaten = false;
    for (let j = 0; j < n && !beaten; j++) beaten = beats(j, i);
    if (!beaten) potentialWinners.push(i);
  }
  const rank = lotRank(base.seed, n);
  const byLot = (a: number, b: number) => (rank[a] as number) - (rank[b] as number);
  const first = [...potentialWinners].sort(byLot)[0] as number;
  const order = [
    first,
    ...Array.from({ length: n }, (_, i) => i)
      .filter((i) => i !== first)
      .sort((a, b) => (wins[b] as number) - (wins[a] as number) || byLot(a, b)),
  ];
  const winner = base.weight > 0 ? first : undefined;
  // The winner's share: its weakest head-to-head result among those with a preference.
  let share: number | null = null;
  if (winner !== undefined) {
    share = 1;
    for (let j = 0; j < n; j++) {
      if (j === winner) continue;
      const f = d[winner * n + j] as number;
      const a = d[j * n + winner] as number;
      if (f + a > 0) share = Math.min(share, f / (f + a));
    }
  }
  return {
    rule: "schulze",
    ...base,
    d: square(n, d),
    p: square(n, p),
    order,
    potentialWinners,
    outcome: {
      quorumMet,
      passed: passedOf(s, quorumMet, share),
      winners: winner === undefined ? [] : [winner],
      ...(winner !== undefined && potentialWinners.length > 1
        ? { tieBrokenBy: "lot" as const }
        : {}),
    },
  };
}
