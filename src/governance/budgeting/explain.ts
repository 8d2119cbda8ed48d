/**
 * Explanations of a Method of Equal Shares outcome, per project: the round it
 * was bought in and who paid how much, or why it lost and how much cheaper or
 * how many more supporters it would have needed. The "needed" figures follow
 * the first-deviation analysis of Boehmer, Faliszewski, Janeczko, Peters,
 * Pierczyński, Schierreich, Skowron & Sornat ("Evaluation of Project
 * Performance in Participatory Budgeting", IJCAI 2024): the project is made
 * cheaper, or given extra supporters (the voters with the most money left,
 * the optimistic case), until in some round it would have been bought at the
 * price of that round's winner (a tie at least), earlier rounds unchanged.
 */

import {
  add,
  cmp,
  div,
  mul,
  mulInt,
  type Rational,
  rat,
  sub,
  ZERO,
} from "../../kernel/rational.ts";
import type { Round } from "./mes-exact.ts";
import type { Profile } from "./profile.ts";

export interface Payment {
  /** Money units this group of voters paid each. */
  amount: Rational;
  voterIds: string[];
  /** True when they paid all they had left. */
  everything: boolean;
}

export interface MesProjectStory {
  round?: number;
  payments?: Payment[];
  /** It would have been bought at any cost below this (earlier rounds unchanged). */
  neededCost?: Rational;
  /** How many more supporters (approval ballots) it would have needed. */
  neededSupporters?: number;
  /** Its supporters' money left after the last round. */
  moneyLeft?: Rational;
}

/**
 * A round's budgets over one common denominator, so that the many sums and
 * comparisons below are integer operations (the rationals' denominators run
 * to dozens of digits in large elections, and a gcd per addition is slow).
 */
interface Scaled {
  round: Round;
  /** Common denominator of the budgets. */
  d: bigint;
  /** Budget numerators over d, per class. */
  b: bigint[];
}

function scaleRound(round: Round): Scaled {
  let d = 1n;
  for (const x of round.budgets) if (d % x.d !== 0n) d = (d / gcd(d, x.d)) * x.d;
  return { round, d, b: round.budgets.map((x) => x.n * (d / x.d)) };
}

/** Math.min for bigint (Math.min takes numbers only). */
function smaller(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

interface Holding {
  /** Budget numerator over the round's denominator. */
  budget: bigint;
  count: bigint;
  utility: bigint;
}

function holdings(p: Profile, c: number, s: Scaled): Holding[] {
  const byKey = new Map<string, Holding>();
  const supporters = p.supporters[c] as Int32Array;
  const utilities = p.utilities[c];
  for (let k = 0; k < supporters.length; k++) {
    const cls = s.round.classOf[supporters[k] as number] as number;
    const budget = s.b[cls] as bigint;
    if (budget === 0n) continue;
    const utility = utilities ? (utilities[k] as bigint) : (p.cost[c] as bigint);
    const key = `${cls}:${utility}`;
    const h = byKey.get(key);
    if (h) h.count++;
    else byKey.set(key, { budget, count: 1n, utility });
  }
  return [...byKey.values()];
}

function moneyOf(hs: Holding[], s: Scaled): Rational {
  return rat(
    hs.reduce((sum, h) => sum + h.budget * h.count, 0n),
    s.d,
  );
}

/**
 * The cost below which c would have beaten the round's winner: on approval
 * ballots (cost utilities) the largest x with Σ min(b_i, ρ·x) ≥ x; on
 * cardinal ballots Σ min(b_i, ρ·u_i). After the last round (no winner) it is
 * the money its supporters hold.
 */
function costThreshold(p: Profile, hs: Holding[], s: Scaled): Rational | undefined {
  const { round, d } = s;
  if (round.winner < 0) return moneyOf(hs, s);
  const { n: rn, d: rd } = round.rho;
  if (p.voteType === "cumulative" || p.voteType === "scoring") {
    // Over the denominator d·rd: min(b·rd, rn·u·d).
    let sum = 0n;
    for (const h of hs) {
      const own = h.budget * rd;
      const share = rn * h.utility * d;
      sum += smaller(own, share) * h.count;
    }
    return rat(sum, d * rd);
  }
  // f(x) = Σ min(b_i, ρx) − x is concave with f(0) = 0; walk its pieces. At
  // x = b/ρ, where a group starts paying all it has, f ≥ 0 reads
  // (capped + paying·b)·rn ≥ b·rd over the denominator d.
  const sorted = [...hs].sort((a, b) => (a.budget < b.budget ? -1 : a.budget > b.budget ? 1 : 0));
  let capped = 0n;
  let paying = sorted.reduce((sum, h) => sum + h.count, 0n);
  for (const h of sorted) {
    if ((capped + paying * h.budget) * rn < h.budget * rd) break;
    capped += h.budget * h.count;
    paying -= h.count;
  }
  const slope = sub(rat(1n), mulInt(round.rho, paying)); // 1 − paying·ρ
  if (slope.n <= 0n) return undefined;
  const x = div(rat(capped, d), slope);
  if (x.n <= 0n) return undefined;
  // With exactly as many supporters as the winner's effective vote count, c's
  // price equals the winner's at every small cost: only the tie rule (lowest
  // cost first) lets it win, so it must also be cheaper than the winner.
  const k = hs.reduce((sum, h) => sum + h.count, 0n);
  const winnerCost = rat(p.cost[round.winner] as bigint);
  if (cmp(mulInt(round.rho, k), rat(1n)) === 0 && cmp(winnerCost, x) < 0) return winnerCost;
  return x;
}

/** Extra supporters needed in this round, taking the richest non-supporters first. */
function supportersNeeded(
  p: Profile,
  c: number,
  hs: Holding[],
  s: Scaled,
  richest: Group[],
): number | undefined {
  const { round, d } = s;
  const cost = p.cost[c] as bigint;
  // Amounts over the denominator d·rd; a voter contributes min(b, ρ·cost).
  const rd = round.winner < 0 ? 1n : round.rho.d;
  const share = round.winner < 0 ? undefined : round.rho.n * cost * d;
  const capAt = (b: bigint) => (share !== undefined && share < b * rd ? share : b * rd);
  const target = cost * d * rd;
  let money = hs.reduce((sum, h) => sum + capAt(h.budget) * h.count, 0n);
  if (money >= target) return 1; // it tied and lost the tie: one more supporter decides
  const inClass = new Map<number, number>();
  for (const v of p.supporters[c] as Int32Array) {
    const cls = round.classOf[v] as number;
    inClass.set(cls, (inClass.get(cls) ?? 0) + 1);
  }
  let added = 0;
  for (const group of richest) {
    const free = group.size - (inClass.get(group.cls) ?? 0);
    if (free <= 0) continue;
    const each = capAt(s.b[group.cls] as bigint);
    if (each === 0n) return undefined;
    const missing = target - money;
    // In a round, c must then hold strictly more than its cost at the winner's
    // price (its own price is then lower); after the last round, enough to pay.
    const whole = share !== undefined ? missing / each + 1n : (missing + each - 1n) / each;
    if (whole <= BigInt(free)) return added + Number(whole);
    added += free;
    money += each * BigInt(free);
  }
  return undefined;
}

interface Group {
  cls: number;
  size: number;
}

function richestClasses(s: Scaled): Group[] {
  const size = new Map<number, number>();
  for (const cls of s.round.classOf) size.set(cls, (size.get(cls) ?? 0) + 1);
  return [...size.entries()]
    .map(([cls, n]) => ({ cls, size: n }))
    .filter((g) => (s.b[g.cls] as bigint) > 0n)
    .sort((x, y) => {
      const bx = s.b[x.cls] as bigint;
      const by = s.b[y.cls] as bigint;
      return bx > by ? -1 : bx < by ? 1 : 0;
    });
}

/** Who paid how much for the winner of a round. */
function paymentsOf(p: Profile, round: Round): Payment[] {
  const c = round.winner;
  const groups = new Map<string, Payment>();
  const supporters = p.supporters[c] as Int32Array;
  const utilities = p.utilities[c];
  for (let k = 0; k < supporters.length; k++) {
    const v = supporters[k] as number;
    const budget = round.budgets[round.classOf[v] as number] as Rational;
    const utility = utilities ? (utilities[k] as bigint) : (p.cost[c] as bigint);
    const share = mulInt(round.rho, utility);
    const everything = cmp(budget, share) < 0;
    const amount = everything ? budget : share;
    const key = `${amount.n}/${amount.d}`;
    const g = groups.get(key);
    if (g) g.voterIds.push(p.voterIds[v] as string);
    else groups.set(key, { amount, everything, voterIds: [p.voterIds[v] as string] });
  }
  return [...groups.values()].sort((a, b) => cmp(b.amount, a.amount));
}

/** Stories for every project from a recorded run (rounds end with the final state). */
export function explainMes(p: Profile, rounds: Round[], pool: number[]): MesProjectStory[] {
  const stories: MesProjectStory[] = p.projectIds.map(() => ({}));
  rounds.forEach((round, r) => {
    if (round.winner >= 0) {
      const story = stories[round.winner] as MesProjectStory;
      story.round = r + 1;
      story.payments = paymentsOf(p, round);
    }
  });
  const losers = pool.filter((c) => p.cost[c] !== 0n && stories[c]?.round === undefined);
  const approval = p.utilities.every((u) => u === undefined);
  const final = rounds[rounds.length - 1];
  for (const round of rounds) {
    const scaled = scaleRound(round);
    const richest = approval ? richestClasses(scaled) : [];
    for (const c of losers) {
      const story = stories[c] as MesProjectStory;
      const hs = holdings(p, c, scaled);
      const t = costThreshold(p, hs, scaled);
      if (t && (!story.neededCost || cmp(t, story.neededCost) > 0)) story.neededCost = t;
      if (round === final) story.moneyLeft = moneyOf(hs, scaled);
      if (!approval) continue;
      const more = supportersNeeded(p, c, hs, scaled, richest);
      if (more !== undefined && (story.neededSupporters ?? Infinity) > more)
        story.neededSupporters = more;
    }
  }
  return stories;
}

/** The free (zero-cost) winners get a story too: bought before any round. */
export function totalPaid(payments: Payment[]): Rational {
  return payments.reduce((s, g) => add(s, mul(g.amount, rat(BigInt(g.voterIds.length)))), ZERO);
}
