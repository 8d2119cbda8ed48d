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
import type { Round } from "./mes-exact.ts";
import type { Profile } from "./profile.ts";
import { add, cmp, div, mul, mulInt, type Rational, rat, sub, ZERO } from "./rational.ts";

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

interface Holding {
  budget: Rational;
  count: bigint;
  utility: bigint;
}

function holdings(p: Profile, c: number, round: Round): Holding[] {
  const byKey = new Map<string, Holding>();
  const supporters = p.supporters[c] as Int32Array;
  const utilities = p.utilities[c];
  for (let k = 0; k < supporters.length; k++) {
    const cls = round.classOf[supporters[k] as number] as number;
    const budget = round.budgets[cls] as Rational;
    if (budget.n === 0n) continue;
    const utility = utilities ? (utilities[k] as bigint) : (p.cost[c] as bigint);
    const key = `${cls}:${utility}`;
    const h = byKey.get(key);
    if (h) h.count++;
    else byKey.set(key, { budget, count: 1n, utility });
  }
  return [...byKey.values()];
}

function moneyOf(hs: Holding[]): Rational {
  return hs.reduce((s, h) => add(s, mulInt(h.budget, h.count)), ZERO);
}

/**
 * The largest cost x at which c would at least tie the round's winner: on
 * approval ballots (cost utilities) the largest x with Σ min(b_i, ρ·x) ≥ x; on
 * cardinal ballots Σ min(b_i, ρ·u_i). After the last round (no winner) it is
 * the money its supporters hold.
 */
function costThreshold(p: Profile, hs: Holding[], round: Round): Rational | undefined {
  if (round.winner < 0) return moneyOf(hs);
  const rho = round.rho;
  if (p.voteType === "cumulative" || p.voteType === "scoring") {
    return hs.reduce((s, h) => {
      const share = mulInt(rho, h.utility);
      return add(s, mulInt(cmp(h.budget, share) < 0 ? h.budget : share, h.count));
    }, ZERO);
  }
  // f(x) = Σ min(b_i, ρx) − x is concave with f(0) = 0; walk its pieces.
  const sorted = [...hs].sort((a, b) => cmp(a.budget, b.budget));
  let capped = ZERO;
  let paying = sorted.reduce((s, h) => s + h.count, 0n);
  for (const h of sorted) {
    const x = div(h.budget, rho); // where this group starts paying all it has
    const f = sub(add(capped, mulInt(h.budget, paying)), x);
    if (f.n < 0n) break;
    capped = add(capped, mulInt(h.budget, h.count));
    paying -= h.count;
  }
  const slope = sub(rat(1n), mulInt(rho, paying)); // 1 − (paying)·ρ
  if (slope.n <= 0n) return undefined;
  const x = div(capped, slope);
  if (x.n <= 0n) return undefined;
  // With exactly as many supporters as the winner's effective vote count, c's
  // price equals the winner's at every small cost: only the tie rule (lowest
  // cost first) lets it win, so it must also be cheaper than the winner.
  const k = hs.reduce((s, h) => s + h.count, 0n);
  const winnerCost = rat(p.cost[round.winner] as bigint);
  if (cmp(mulInt(rho, k), rat(1n)) === 0 && cmp(winnerCost, x) < 0) return winnerCost;
  return x;
}

/** Extra supporters needed in this round, taking the richest non-supporters first. */
function supportersNeeded(
  p: Profile,
  c: number,
  hs: Holding[],
  round: Round,
  richest: { budget: Rational; cls: number; size: number }[],
): number | undefined {
  const cost = rat(p.cost[c] as bigint);
  const share = round.winner < 0 ? undefined : mulInt(round.rho, p.cost[c] as bigint);
  const capAt = (b: Rational) => (share && cmp(share, b) < 0 ? share : b);
  let money = hs.reduce((s, h) => add(s, mulInt(capAt(h.budget), h.count)), ZERO);
  if (cmp(money, cost) >= 0) return 1; // it tied and lost the tie: one more supporter decides
  const inClass = new Map<number, number>();
  for (const v of p.supporters[c] as Int32Array) {
    const cls = round.classOf[v] as number;
    inClass.set(cls, (inClass.get(cls) ?? 0) + 1);
  }
  let added = 0;
  for (const group of richest) {
    const free = group.size - (inClass.get(group.cls) ?? 0);
    if (free <= 0) continue;
    const each = capAt(group.budget);
    if (each.n === 0n) return undefined;
    const missing = sub(cost, money);
    const wanted = div(missing, each);
    // In a round, c must then hold strictly more than its cost at the winner's
    // price (its own price is then lower); after the last round, enough to pay.
    const whole = share ? wanted.n / wanted.d + 1n : (wanted.n + wanted.d - 1n) / wanted.d;
    if (whole <= BigInt(free)) return added + Number(whole);
    added += free;
    money = add(money, mulInt(each, BigInt(free)));
  }
  return undefined;
}

function richestClasses(round: Round): { budget: Rational; cls: number; size: number }[] {
  const size = new Map<number, number>();
  for (const cls of round.classOf) size.set(cls, (size.get(cls) ?? 0) + 1);
  return [...size.entries()]
    .map(([cls, n]) => ({ cls, size: n, budget: round.budgets[cls] as Rational }))
    .filter((g) => g.budget.n > 0n)
    .sort((a, b) => cmp(b.budget, a.budget));
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
    const richest = approval ? richestClasses(round) : [];
    for (const c of losers) {
      const story = stories[c] as MesProjectStory;
      const hs = holdings(p, c, round);
      const t = costThreshold(p, hs, round);
      if (t && (!story.neededCost || cmp(t, story.neededCost) > 0)) story.neededCost = t;
      if (!approval) continue;
      const more = supportersNeeded(p, c, hs, round, richest);
      if (more !== undefined && (story.neededSupporters ?? Infinity) > more)
        story.neededSupporters = more;
      if (round === final) story.moneyLeft = moneyOf(hs);
    }
  }
  if (!approval && final)
    for (const c of losers)
      (stories[c] as MesProjectStory).moneyLeft = moneyOf(holdings(p, c, final));
  return stories;
}

/** The free (zero-cost) winners get a story too: bought before any round. */
export function totalPaid(payments: Payment[]): Rational {
  return payments.reduce((s, g) => add(s, mul(g.amount, rat(BigInt(g.voterIds.length)))), ZERO);
}
