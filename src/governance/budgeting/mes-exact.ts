/**
 * The Method of Equal Shares with a fixed endowment (Peters & Skowron 2020,
 * "Proportional participatory budgeting with additive utilities"; Peters,
 * Pierczyński & Skowron 2021), computed exactly on BigInt rationals.
 *
 * Every voter starts with the same endowment. In each round, a project c costs
 * its supporters a price ρ per unit of utility: voter i pays min(b_i, ρ·u_i(c)),
 * and ρ is the smallest price at which the payments cover the cost. The project
 * with the lowest ρ is bought; ties go to the earlier project in the profile's
 * tie order. Approval ballots use cost utilities (u_i(c) = cost(c)), as
 * equalshares.net does, so ρ·cost is the per-voter share.
 *
 * Voters are kept in classes with one budget per class: two voters who
 * supported the same winners with the same utilities have paid the same and
 * hold the same budget, so a class is refined only when a winner splits it.
 */

import { add, cmp, div, mulInt, type Rational, rat, sub, ZERO } from "../../kernel/rational.ts";
import type { Profile } from "./profile.ts";

export interface Round {
  winner: number;
  /** The price per unit of utility the winner's supporters paid. */
  rho: Rational;
  /** Each voter's class and the class budgets, before this round. */
  classOf: Int32Array;
  budgets: Rational[];
}

export interface MesRun {
  /** Project indices in the order they were bought. */
  winners: number[];
  /** Filled when recording, plus a final entry (winner -1) for the state after the last round. */
  rounds: Round[];
  /** Rounds in which several projects had the lowest price and the tie order decided. */
  ties: number;
}

interface Entry {
  cls: number;
  utility: bigint;
  count: bigint;
}

/** The supporters of c grouped by (class, utility), skipping empty budgets. */
function entriesOf(p: Profile, c: number, classOf: Int32Array, budgets: Rational[]): Entry[] {
  const supporters = p.supporters[c] as Int32Array;
  const utilities = p.utilities[c];
  const costUtility = p.cost[c] as bigint;
  const byKey = new Map<string, Entry>();
  for (let k = 0; k < supporters.length; k++) {
    const cls = classOf[supporters[k] as number] as number;
    if ((budgets[cls] as Rational).n === 0n) continue;
    const utility = utilities ? (utilities[k] as bigint) : costUtility;
    const key = `${cls}:${utility}`;
    const entry = byKey.get(key);
    if (entry) entry.count++;
    else byKey.set(key, { cls, utility, count: 1n });
  }
  return [...byKey.values()];
}

export interface Price {
  rho: Rational;
  /** Entries that pay their whole budget (b < ρ·u). */
  capped: Set<Entry>;
  entries: Entry[];
}

/**
 * The smallest ρ with Σ min(b_i, ρ·u_i) ≥ cost, or undefined when the
 * supporters' money does not cover the cost. A supporter is capped when
 * b < ρ·u, as in equalshares.net (b = ρ·u pays exactly b either way).
 */
export function price(cost: bigint, entries: Entry[], budgets: Rational[]): Price | undefined {
  let money = ZERO;
  for (const e of entries) money = add(money, mulInt(budgets[e.cls] as Rational, e.count));
  if (cmp(money, rat(cost)) < 0) return undefined;
  // Ascending b/u: these are the first to run out of money as ρ grows.
  const sorted = [...entries].sort((a, b) => {
    const ba = budgets[a.cls] as Rational;
    const bb = budgets[b.cls] as Rational;
    return cmp(mulInt(ba, b.utility), mulInt(bb, a.utility));
  });
  let paid = ZERO;
  let utility = 0n;
  for (const e of sorted) utility += e.count * e.utility;
  const capped = new Set<Entry>();
  for (const e of sorted) {
    const b = budgets[e.cls] as Rational;
    // capped iff b < (cost − paid)/utility · u
    if (cmp(mulInt(b, utility), mulInt(sub(rat(cost), paid), e.utility)) >= 0) break;
    paid = add(paid, mulInt(b, e.count));
    utility -= e.count * e.utility;
    capped.add(e);
  }
  return { rho: div(sub(rat(cost), paid), rat(utility)), capped, entries };
}

/** Zero-cost projects need no money: bought first, in tie order. */
export function freeProjects(p: Profile, pool: number[]): number[] {
  return pool
    .filter((c) => p.cost[c] === 0n)
    .sort((a, b) => (p.tieRank[a] as number) - (p.tieRank[b] as number));
}

export function mesExact(p: Profile, pool: number[], endowment: Rational, record = false): MesRun {
  const n = p.voterIds.length;
  let classOf: Int32Array = new Int32Array(n);
  let budgets: Rational[] = [endowment];
  const winners = freeProjects(p, pool);
  const rounds: Round[] = [];
  const lowerBound = new Map<number, Rational>();
  let ties = 0;
  for (const c of pool) {
    if (p.cost[c] === 0n) continue;
    // ρ is never below cost / total utility (everyone paying their full share).
    const u = p.utilities[c];
    const total = u
      ? u.reduce((s, x) => s + x, 0n)
      : BigInt(p.votes[c] as number) * (p.cost[c] as bigint);
    lowerBound.set(c, rat(p.cost[c] as bigint, total));
  }
  for (;;) {
    // ρ only grows as budgets shrink, so last round's ρ bounds this round's from below.
    const order = [...lowerBound.keys()].sort((a, b) => {
      const d = cmp(lowerBound.get(a) as Rational, lowerBound.get(b) as Rational);
      return d !== 0 ? d : (p.tieRank[a] as number) - (p.tieRank[b] as number);
    });
    let best = -1;
    let bestPrice: Price | undefined;
    let tied = false;
    for (const c of order) {
      const bound = lowerBound.get(c) as Rational;
      if (bestPrice && cmp(bound, bestPrice.rho) > 0) break;
      const found = price(p.cost[c] as bigint, entriesOf(p, c, classOf, budgets), budgets);
      if (!found) {
        lowerBound.delete(c);
        continue;
      }
      lowerBound.set(c, found.rho);
      const d = bestPrice ? cmp(found.rho, bestPrice.rho) : -1;
      if (d < 0) tied = false;
      if (d === 0) tied = true;
      if (d < 0 || (d === 0 && (p.tieRank[c] as number) < (p.tieRank[best] as number))) {
        best = c;
        bestPrice = found;
      }
    }
    if (record) rounds.push({ winner: best, rho: bestPrice?.rho ?? ZERO, classOf, budgets });
    if (!bestPrice) break;
    if (tied) ties++;
    winners.push(best);
    lowerBound.delete(best);
    [classOf, budgets] = pay(p, best, bestPrice, classOf, budgets);
  }
  return { winners, rounds, ties };
}

/** Charges the winner's supporters and splits their classes by what they paid. */
function pay(
  p: Profile,
  c: number,
  { rho, capped, entries }: Price,
  classOf: Int32Array,
  budgets: Rational[],
): [Int32Array, Rational[]] {
  const next = Int32Array.from(classOf);
  const nextBudgets = [...budgets];
  const newClass = new Map<string, number>();
  for (const e of entries) {
    const after = capped.has(e) ? ZERO : sub(budgets[e.cls] as Rational, mulInt(rho, e.utility));
    newClass.set(`${e.cls}:${e.utility}`, nextBudgets.length);
    nextBudgets.push(after);
  }
  const supporters = p.supporters[c] as Int32Array;
  const utilities = p.utilities[c];
  for (let k = 0; k < supporters.length; k++) {
    const v = supporters[k] as number;
    const utility = utilities ? utilities[k] : p.cost[c];
    const cls = newClass.get(`${classOf[v]}:${utility}`);
    if (cls !== undefined) next[v] = cls;
  }
  return [next, nextBudgets];
}
