/**
 * The Method of Equal Shares as run in practice: with no completion, or
 * completed by Add1 as equalshares.net defines it (Peters, equalshares.net,
 * "Completion"): raise every voter's endowment by one currency unit per step
 * and keep the last outcome before the next step would overspend the budget.
 * Stepping does not stop at the first exhaustive outcome: a later step may
 * still fit the budget and is then preferred.
 */

import { add, type Rational, rat } from "../../kernel/rational.ts";
import { mesExact } from "./mes-exact.ts";
import { FastMes } from "./mes-fast.ts";
import { candidates, type Profile, totalCost } from "./profile.ts";

export interface MesOptions {
  completion: "none" | "add1";
  /**
   * Where Add1 starts: "exact" at budget / voters, "integral" at that share
   * rounded down to whole currency units (equalshares.net's "integral" option).
   */
  add1Start?: "exact" | "integral";
  /** Count exactly throughout instead of floating point with certified comparisons. */
  exactOnly?: boolean;
}

export interface MesOutcome {
  winners: number[];
  /** Every voter's endowment in the run whose outcome was kept (money units). */
  endowment: Rational;
  /** Add1 steps taken (endowments tried after the first). */
  steps: number;
  /** Runs the floating-point count could not certify and that were counted exactly. */
  exactRuns: number;
}

/** Counts one fixed-endowment run, fast where the fast count can certify its result. */
export class MesCounter {
  readonly pool: number[];
  private readonly fast: FastMes | undefined;
  private readonly p: Profile;
  exactRuns = 0;
  constructor(p: Profile, exactOnly = false) {
    this.p = p;
    this.pool = candidates(p);
    this.fast = !exactOnly && FastMes.suits(p) ? new FastMes(p) : undefined;
  }
  winners(endowment: Rational): number[] {
    const fast = this.fast?.run(this.pool, endowment);
    if (fast) return fast;
    this.exactRuns++;
    return mesExact(this.p, this.pool, endowment).winners;
  }
}

export function methodOfEqualShares(p: Profile, options: MesOptions): MesOutcome {
  const n = BigInt(p.voterIds.length);
  if (n === 0n) return { winners: [], endowment: rat(0n), steps: 0, exactRuns: 0 };
  const counter = new MesCounter(p, options.exactOnly);
  const integral = options.completion === "add1" && options.add1Start === "integral";
  let endowment = integral ? rat((p.budget / n / p.unit) * p.unit) : rat(p.budget, n);
  let winners = counter.winners(endowment);
  let steps = 0;
  // When every candidate fits, Add1 would raise endowments forever without
  // overspending; its limit is buying every candidate.
  if (options.completion === "add1" && totalCost(p, counter.pool) <= p.budget) {
    winners = [...winners, ...counter.pool.filter((c) => !winners.includes(c))];
  } else if (options.completion === "add1") {
    const step = rat(p.unit);
    for (;;) {
      const next = add(endowment, step);
      const outcome = counter.winners(next);
      steps++;
      if (totalCost(p, outcome) > p.budget) break;
      endowment = next;
      winners = outcome;
    }
  }
  return { winners, endowment, steps, exactRuns: counter.exactRuns };
}
