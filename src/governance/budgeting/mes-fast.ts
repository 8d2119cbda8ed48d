/**
 * The Method of Equal Shares on approval ballots with cost utilities, in
 * floating point with every deciding comparison certified by an error bound.
 * It computes the same outcome as mes-exact.ts or reports that it cannot be
 * sure (returns undefined), and the caller then counts exactly.
 *
 * With cost utilities a project c with k paying supporters and capped money P
 * (supporters who pay all they have) costs each uncapped supporter
 * q = (cost − P) / k, and the rule buys the project with the lowest q / cost
 * (equalshares.net's "effective vote count" cost / q, highest first). When no
 * supporter is capped, q / cost is exactly 1 / k: those comparisons, including
 * the frequent exact ties, are decided on integers.
 *
 * Error model: every class budget is within E of its true value (E tracked as
 * the run goes); a sum of t floating-point terms errs by at most t·u·Σ|terms|
 * with u = 2⁻⁵³. We use bounds a few times larger than needed.
 */

import type { Rational } from "../../kernel/rational.ts";
import type { Profile } from "./profile.ts";

const U = 2 ** -52; // twice the unit roundoff: headroom on every bound

interface Quote {
  q: number;
  err: number;
  /** Uncapped supporters; when nobody is capped q/cost is exactly 1/k. */
  k: number;
  simple: boolean;
}

/** -1 if a's price per unit is lower, 1 if higher, 0 if exactly equal, NaN if too close to tell. */
function comparePrices(a: Quote, costA: number, b: Quote, costB: number): number {
  if (a.simple && b.simple) return a.k > b.k ? -1 : a.k < b.k ? 1 : 0;
  const l = a.q * costB;
  const r = b.q * costA;
  const err = a.err * costB + b.err * costA + 4 * U * (l + r);
  if (Math.abs(l - r) <= err) return Number.NaN;
  return l < r ? -1 : 1;
}

function priceOf(quote: Quote | undefined, cost: number): number {
  return quote ? quote.q / cost : Number.POSITIVE_INFINITY;
}

export class FastMes {
  private readonly p: Profile;
  private readonly cost: Float64Array;
  private readonly classOf: Int32Array;
  private budget = new Float64Array(1024);
  private stamp = new Int32Array(1024);
  private count = new Int32Array(1024);
  private remap = new Int32Array(1024);
  private classes = 0;
  private stampId = 0;
  private touched: number[] = [];
  /** Uncertain decisions met so far (each sent a run to the exact count). */
  uncertain = 0;

  constructor(p: Profile) {
    if (p.utilities.some((u) => u !== undefined))
      throw new Error("FastMes counts approval ballots");
    const limit = BigInt(Number.MAX_SAFE_INTEGER);
    const total = p.cost.reduce((s, c) => s + c, 0n);
    if (total > limit || p.budget > limit) throw new RangeError("amounts too large for FastMes");
    this.p = p;
    this.cost = Float64Array.from(p.cost, Number);
    this.classOf = new Int32Array(p.voterIds.length);
  }

  static suits(p: Profile): boolean {
    const limit = BigInt(Number.MAX_SAFE_INTEGER);
    return (
      p.utilities.every((u) => u === undefined) &&
      p.cost.reduce((s, c) => s + c, 0n) <= limit &&
      p.budget <= limit
    );
  }

  private grow(size: number): void {
    if (size <= this.budget.length) return;
    const cap = Math.max(size, this.budget.length * 2);
    const b = new Float64Array(cap);
    b.set(this.budget);
    this.budget = b;
    this.stamp = new Int32Array(cap);
    this.count = new Int32Array(cap);
    this.remap = new Int32Array(cap);
    this.stampId = 0;
  }

  /** Groups c's supporters by class into `touched`/`count`, dropping empty budgets. */
  private gather(c: number): number {
    const supporters = this.p.supporters[c] as Int32Array;
    const { classOf, stamp, count, budget } = this;
    const id = ++this.stampId;
    const touched = this.touched;
    touched.length = 0;
    let k = 0;
    for (let j = 0; j < supporters.length; j++) {
      const cls = classOf[supporters[j] as number] as number;
      if (budget[cls] === 0) continue;
      k++;
      if (stamp[cls] !== id) {
        stamp[cls] = id;
        count[cls] = 1;
        touched.push(cls);
      } else count[cls] = (count[cls] as number) + 1;
    }
    return k;
  }

  /** Price of c from the gathered classes; null if unaffordable, undefined if uncertain. */
  private quote(c: number, k: number, E: number): Quote | null | undefined {
    const cost = this.cost[c] as number;
    const { budget, count, touched } = this;
    let money = 0;
    for (const cls of touched) money += (count[cls] as number) * (budget[cls] as number);
    const moneyErr = k * E + (touched.length + 2) * U * money;
    if (money + moneyErr < cost) return null;
    if (money - moneyErr < cost) return undefined;
    touched.sort((a, b) => (budget[a] as number) - (budget[b] as number));
    let paid = 0;
    let paidErr = 0;
    let capped = 0;
    for (let j = 0; j < touched.length; j++) {
      const cls = touched[j] as number;
      const b = budget[cls] as number;
      const left = cost - paid;
      const diff = left - b * k; // > 0: this class cannot pay the equal share, it is capped
      const diffErr = paidErr + k * E + 4 * U * (cost + paid + b * k);
      if (Math.abs(diff) <= diffErr) return undefined;
      if (diff < 0) break;
      const n = count[cls] as number;
      paid += n * b;
      paidErr += n * E + (j + 2) * U * paid;
      k -= n;
      capped++;
    }
    const q = (cost - paid) / k;
    const err = (paidErr + 2 * U * (cost + paid)) / k + 2 * U * q;
    return { q, err, k, simple: capped === 0 };
  }

  /** Winners (project indices, in order) at this endowment, or undefined if not certain. */
  run(pool: number[], endowment: Rational): number[] | undefined {
    const p = this.p;
    this.classOf.fill(0);
    this.classes = 1;
    const e = Number(endowment.n) / Number(endowment.d);
    const exactStart = endowment.d === 1n && endowment.n <= BigInt(Number.MAX_SAFE_INTEGER);
    this.budget[0] = e;
    let E = exactStart ? 0 : 2 * U * e;
    const winners = pool
      .filter((c) => p.cost[c] === 0n)
      .sort((a, b) => (p.tieRank[a] as number) - (p.tieRank[b] as number));
    const active = pool.filter((c) => p.cost[c] !== 0n);
    // Lower bounds on each project's price: prices only rise as budgets fall.
    const bound = new Map<number, Quote>();
    for (const c of active) {
      const k = p.votes[c] as number;
      const q = (this.cost[c] as number) / k;
      bound.set(c, { q, err: 2 * U * q, k, simple: true });
    }
    const order = active.slice();
    for (;;) {
      let best = -1;
      let bestQuote: Quote | undefined;
      // Cheapest first, so that the bounds rule most projects out without a look.
      order.sort(
        (a, b) =>
          priceOf(bound.get(a), this.cost[a] as number) -
          priceOf(bound.get(b), this.cost[b] as number),
      );
      for (const c of order) {
        const lower = bound.get(c);
        if (!lower) continue;
        if (bestQuote) {
          const d = comparePrices(
            lower,
            this.cost[c] as number,
            bestQuote,
            this.cost[best] as number,
          );
          if (d > 0) continue;
        }
        const k = this.gather(c);
        const found = this.quote(c, k, E);
        if (found === undefined) {
          this.uncertain++;
          return undefined;
        }
        if (found === null) {
          bound.delete(c);
          continue;
        }
        bound.set(c, found);
        if (!bestQuote) {
          best = c;
          bestQuote = found;
          continue;
        }
        const d = comparePrices(
          found,
          this.cost[c] as number,
          bestQuote,
          this.cost[best] as number,
        );
        if (Number.isNaN(d)) {
          this.uncertain++;
          return undefined;
        }
        if (d < 0 || (d === 0 && (p.tieRank[c] as number) < (p.tieRank[best] as number))) {
          best = c;
          bestQuote = found;
        }
      }
      if (!bestQuote) return winners;
      winners.push(best);
      bound.delete(best);
      E = this.pay(best, E);
    }
  }

  /** Charges the winner's supporters, moving each paying class to a new class. Returns the new E. */
  private pay(c: number, E: number): number {
    const k = this.gather(c);
    const found = this.quote(c, k, E) as Quote; // certified when c was chosen
    this.grow(this.classes + this.touched.length);
    const { budget, remap, touched } = this;
    let newE = E;
    for (const cls of touched) {
      const b = budget[cls] as number;
      const nc = this.classes++;
      remap[cls] = nc;
      // Capped classes were exactly those with b·k < cost − paid, i.e. b < q.
      if (b < found.q) budget[nc] = 0;
      else {
        budget[nc] = b - found.q;
        newE = Math.max(newE, E + found.err + 2 * U * (b + found.q));
      }
    }
    const supporters = this.p.supporters[c] as Int32Array;
    const { classOf } = this;
    for (let j = 0; j < supporters.length; j++) {
      const v = supporters[j] as number;
      const cls = classOf[v] as number;
      if (budget[cls] !== 0) classOf[v] = remap[cls] as number;
    }
    return newE;
  }
}
