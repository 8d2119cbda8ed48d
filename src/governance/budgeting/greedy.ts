/**
 * Greedy by votes, the rule most cities used before proportional rules: take
 * projects from the most supported down (approval: votes; cumulative and
 * scoring: points), buying each that still fits the budget. Without skipping,
 * counting stops at the first project that does not fit.
 */

import { cmp, type Rational } from "../../kernel/rational.ts";
import { candidates, type Profile } from "./profile.ts";

/** Eligible, supported projects from most to least supported; ties by the tie order. */
export function greedyOrder(p: Profile): number[] {
  return candidates(p).sort((a, b) => {
    const d = cmp(p.score[b] as Rational, p.score[a] as Rational);
    return d !== 0 ? d : (p.tieRank[a] as number) - (p.tieRank[b] as number);
  });
}

export function greedy(p: Profile, skipping = true): number[] {
  const winners: number[] = [];
  let left = p.budget;
  for (const c of greedyOrder(p)) {
    const cost = p.cost[c] as bigint;
    if (cost <= left) {
      winners.push(c);
      left -= cost;
    } else if (!skipping) break;
  }
  return winners;
}
