/**
 * Seeded synthetic approval elections for the bench and for cross-checking the
 * fast count against the exact one: every voter approves between minApproved
 * and maxApproved projects drawn with Zipf-like popularity (weight 1/rank),
 * costs uniform in [minCost, maxCost], the budget a fraction of the total cost.
 */

import { rat } from "../../kernel/rational.ts";
import type { Election } from "./pabulib.ts";
import { lotGenerator } from "./profile.ts";

export interface SyntheticOptions {
  voters: number;
  projects: number;
  seed: number;
  minApproved?: number;
  maxApproved?: number;
  minCost?: number;
  maxCost?: number;
  budgetShare?: number;
  /** Round costs to multiples of this (small values make exact ties likely). */
  costStep?: number;
}

export function syntheticElection(o: SyntheticOptions): Election {
  const next = lotGenerator(o.seed);
  const minApproved = Math.min(o.minApproved ?? 3, o.projects);
  const maxApproved = Math.min(o.maxApproved ?? 10, o.projects);
  const minCost = o.minCost ?? 5000;
  const maxCost = o.maxCost ?? 100000;
  const step = o.costStep ?? 1;
  const costs = Array.from({ length: o.projects }, () => {
    const c = minCost + Math.floor(next() * (maxCost - minCost + 1));
    return Math.max(step, Math.round(c / step) * step);
  });
  const weights = costs.map((_, k) => 1 / (k + 1));
  const projects = costs.map((c, k) => ({
    id: `p${k + 1}`,
    cost: rat(BigInt(c)),
    name: `Project ${k + 1}`,
  }));
  const ballots = Array.from({ length: o.voters }, (_, v) => {
    const size = minApproved + Math.floor(next() * (maxApproved - minApproved + 1));
    const chosen = new Set<number>();
    let total = weights.reduce((s, w) => s + w, 0);
    const left = weights.slice();
    while (chosen.size < size) {
      let r = next() * total;
      let k = 0;
      while (k < left.length - 1 && r >= (left[k] as number)) r -= left[k++] as number;
      if (chosen.has(k)) continue;
      chosen.add(k);
      total -= left[k] as number;
      left[k] = 0;
    }
    return {
      voterId: `v${v + 1}`,
      projects: [...chosen].sort((a, b) => a - b).map((k) => `p${k + 1}`),
    };
  });
  const totalCost = costs.reduce((s, c) => s + c, 0);
  const budget = Math.floor(totalCost * (o.budgetShare ?? 0.25));
  return { budget: rat(BigInt(budget)), voteType: "approval", projects, ballots, warnings: [] };
}
