/**
 * What every rule shares: turnout, quorum, the pass rule, and ordering
 * options by a score with the lot as the last tie-break.
 */

import { MAX_WEIGHT } from "./constants.ts";
import { lotRank } from "./lot.ts";
import type { Ballot, CountOptions, RuleSettings } from "./types.ts";

export interface Base {
  ballots: number;
  weight: number;
  eligibleWeight: number;
  turnout: number;
  seed: string;
  quorumMet: boolean;
}

/** A ballot's weight; anything but a positive finite number up to the cap is a caller's bug. */
export function weightOf(b: Ballot): number {
  const w = b.weight ?? 1;
  if (!(w > 0 && w <= MAX_WEIGHT))
    throw new RangeError(`ballot weight ${w} is not in (0, ${MAX_WEIGHT}]`);
  return w;
}

export function baseOf(s: RuleSettings, ballots: readonly Ballot[], o: CountOptions): Base {
  let weight = 0;
  for (const b of ballots) weight += weightOf(b);
  const eligibleWeight = Math.max(0, o.eligibleWeight);
  const turnout = eligibleWeight > 0 ? weight / eligibleWeight : 0;
  const quorum = s.quorum ?? 0;
  // A tiny tolerance so 2 of 3 meets a quorum of 2/3 written as 0.6667 or 0.66666….
  const quorumMet = quorum <= 0 || turnout >= quorum - 1e-9;
  return {
    ballots: ballots.length,
    weight,
    eligibleWeight,
    turnout,
    seed: o.seed ?? "",
    quorumMet,
  };
}

/**
 * Rules other than consent: null when the decision asked no pass question
 * (no quorum, no threshold); else quorum met, a winner, and its share at the threshold.
 */
export function passedOf(
  s: RuleSettings,
  quorumMet: boolean,
  winnerShare: number | null,
): boolean | null {
  if (!(s.quorum && s.quorum > 0) && s.threshold === undefined) return null;
  if (!quorumMet || winnerShare === null) return false;
  return winnerShare >= (s.threshold ?? 0) - 1e-9;
}

/**
 * Options best first by `better` (negative when a beats b), the lot last.
 * `lotUsed`: the first two were tied on everything but the lot.
 */
export function rankOptions(
  n: number,
  seed: string,
  better: (a: number, b: number) => number,
): { order: number[]; lotUsed: boolean } {
  const rank = lotRank(seed, n);
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => better(a, b) || (rank[a] as number) - (rank[b] as number),
  );
  const lotUsed = n > 1 && better(order[0] as number, order[1] as number) === 0;
  return { order, lotUsed };
}

/** Descending by a numeric column. */
export const byMost =
  (xs: ArrayLike<number>) =>
  (a: number, b: number): number =>
    (xs[b] as number) - (xs[a] as number);
