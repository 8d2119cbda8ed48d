/**
 * Counting an election under a named rule, with an explanation for every
 * project. This is the module's entry point; the CLI prints its result.
 */

import { type Rational, rat, toDecimal } from "../../kernel/rational.ts";
import { explainMes, type MesProjectStory, type Payment } from "./explain.ts";
import { greedy, greedyOrder } from "./greedy.ts";
import { methodOfEqualShares } from "./mes.ts";
import { mesExact } from "./mes-exact.ts";
import type { Election } from "./pabulib.ts";
import { candidates, type Profile, toProfile, totalCost } from "./profile.ts";

/** A rule that cannot count this election (e.g. MES on ordinal ballots). */
export class CountError extends Error {
  override name = "CountError";
}

export const RULES = ["mes-add1", "mes", "greedy", "greedy-noskip"] as const;
export type RuleName = (typeof RULES)[number];

export interface CountOptions {
  rule: RuleName;
  /** Seed of the lot that breaks ties left after lowest cost and most votes. */
  seed?: number;
  /** equalshares.net's comparison step: keep greedy's outcome if more voters prefer it. */
  compare?: "none" | "satisfaction" | "exclusion";
  add1Start?: "exact" | "integral";
  exactOnly?: boolean;
  /** Compute per-project explanations (an exact recount of the final run). */
  explain?: boolean;
}

export interface ProjectReport {
  id: string;
  name: string;
  cost: number;
  votes: number;
  selected: boolean;
  /** Position in the order of selection (1-based). */
  order?: number;
  reason: string;
  payments?: { amount: number; voters: number; everything: boolean; voterIds: string[] }[];
  /** The cost below which it would have won (ties aside). */
  neededCost?: number;
  /** Extra supporters (or votes, for greedy) it would have needed to win. */
  neededVotes?: number;
}

export interface CountResult {
  rule: RuleName;
  selected: string[];
  spent: number;
  budget: number;
  seed: number;
  /** MES: every voter's endowment in the kept run; Add1: steps tried. */
  endowment?: number;
  add1Steps?: number;
  exactRuns?: number;
  comparison?: { prefersMes: number; prefersGreedy: number; kept: "mes" | "greedy" };
  projects: ProjectReport[];
}

const money = (p: Profile, x: Rational | bigint): number =>
  Number(toDecimal(typeof x === "bigint" ? rat(x, p.unit) : rat(x.n, x.d * p.unit), 2));

/** Voters who prefer each outcome (satisfaction: more approved winners; exclusion: any approved winner). */
export function preferences(
  p: Profile,
  a: number[],
  b: number[],
  how: "satisfaction" | "exclusion",
) {
  const score = (winners: number[]) => {
    const s = new Int32Array(p.voterIds.length);
    for (const c of winners)
      for (const v of p.supporters[c] as Int32Array) s[v] = (s[v] as number) + 1;
    if (how === "exclusion") for (let v = 0; v < s.length; v++) s[v] = (s[v] as number) > 0 ? 1 : 0;
    return s;
  };
  const sa = score(a);
  const sb = score(b);
  let preferA = 0;
  let preferB = 0;
  sa.forEach((x, v) => {
    if (x > (sb[v] as number)) preferA++;
    else if (x < (sb[v] as number)) preferB++;
  });
  return { preferA, preferB };
}

export function count(election: Election, options: CountOptions): CountResult {
  const seed = options.seed ?? 1;
  const p = toProfile(election, seed);
  const result: CountResult = {
    rule: options.rule,
    selected: [],
    spent: 0,
    budget: money(p, p.budget),
    seed,
    projects: [],
  };
  let winners: number[];
  let stories: MesProjectStory[] | undefined;
  if (options.rule === "greedy" || options.rule === "greedy-noskip") {
    winners = greedy(p, options.rule === "greedy");
  } else {
    if (p.voteType === "ordinal") {
      throw new CountError(
        "the Method of Equal Shares needs approval, cumulative or scoring ballots",
      );
    }
    const outcome = methodOfEqualShares(p, {
      completion: options.rule === "mes-add1" ? "add1" : "none",
      add1Start: options.add1Start ?? "exact",
      exactOnly: options.exactOnly ?? false,
    });
    winners = outcome.winners;
    result.endowment = money(p, outcome.endowment);
    if (options.rule === "mes-add1") result.add1Steps = outcome.steps;
    result.exactRuns = outcome.exactRuns;
    if (options.explain && p.voterIds.length > 0) {
      const run = mesExact(p, candidates(p), outcome.endowment, true);
      // Self-check: the exact recount of the kept run must agree with the count
      // (unless Add1 bought everything because everything fits).
      const everything =
        run.winners.length < winners.length && totalCost(p, candidates(p)) <= p.budget;
      if (!everything && run.winners.join() !== winners.join()) {
        throw new Error("internal error: the exact recount disagrees with the count");
      }
      stories = explainMes(p, run.rounds, candidates(p));
    }
    const how = options.compare ?? "none";
    if (how !== "none") {
      const g = greedy(p, true);
      const { preferA, preferB } = preferences(p, winners, g, how);
      const kept = preferB > preferA ? "greedy" : "mes";
      result.comparison = { prefersMes: preferA, prefersGreedy: preferB, kept };
      if (kept === "greedy") {
        winners = g;
        stories = undefined;
      }
    }
  }
  result.selected = winners.map((c) => p.projectIds[c] as string);
  result.spent = money(p, totalCost(p, winners));
  if (options.explain) {
    const greedyRule =
      stories === undefined && options.rule !== "mes" && options.rule !== "mes-add1";
    result.projects =
      greedyRule || !stories
        ? explainGreedy(p, winners, options.rule !== "greedy-noskip")
        : reportMes(p, winners, stories);
  }
  return result;
}

function base(p: Profile, c: number, winners: number[]): ProjectReport {
  const order = winners.indexOf(c);
  const report: ProjectReport = {
    id: p.projectIds[c] as string,
    name: p.names[c] as string,
    cost: money(p, p.cost[c] as bigint),
    votes: p.votes[c] as number,
    selected: order >= 0,
    reason: "",
  };
  if (order >= 0) report.order = order + 1;
  return report;
}

function ineligible(p: Profile, c: number): string | undefined {
  if (!p.eligible[c]) return "not eligible: its score is below META min_project_score_threshold";
  if (p.votes[c] === 0) return "nobody voted for it";
  return undefined;
}

function reportPayments(p: Profile, payments: Payment[]) {
  return payments.map((g) => ({
    amount: money(p, g.amount),
    voters: g.voterIds.length,
    everything: g.everything,
    voterIds: g.voterIds,
  }));
}

function reportMes(p: Profile, winners: number[], stories: MesProjectStory[]): ProjectReport[] {
  return p.projectIds.map((_, c) => {
    const r = base(p, c, winners);
    const story = stories[c] as MesProjectStory;
    const excluded = ineligible(p, c);
    if (excluded) r.reason = excluded;
    else if (r.selected && p.cost[c] === 0n)
      r.reason = "costs nothing, so it is bought before any round";
    else if (r.selected && story.payments) {
      const capped = story.payments
        .filter((g) => g.everything)
        .reduce((s, g) => s + g.voterIds.length, 0);
      const top = story.payments[0];
      r.reason =
        `bought in round ${story.round}: its supporters paid up to ${top ? money(p, top.amount) : 0} each` +
        (capped ? `, ${capped} of them all they had left` : "");
      r.payments = reportPayments(p, story.payments);
    } else if (r.selected)
      r.reason = "every supported project fits the budget, so Add1 buys them all";
    else {
      const left = story.moneyLeft ? money(p, story.moneyLeft) : 0;
      r.reason = `its supporters held ${left} after the last purchase, short of its cost ${r.cost}; in no round was its price per supporter the lowest`;
    }
    if (!r.selected && !excluded) {
      if (story.neededCost) r.neededCost = money(p, story.neededCost);
      if (story.neededSupporters !== undefined) r.neededVotes = story.neededSupporters;
    }
    return r;
  });
}

/** Greedy: the remaining budget at each project's turn decides. */
export function explainGreedy(p: Profile, winners: number[], skipping: boolean): ProjectReport[] {
  const order = greedyOrder(p);
  const leftAt = new Map<number, bigint>();
  let left = p.budget;
  let stoppedAt = -1;
  for (const c of order) {
    leftAt.set(c, left);
    if (stoppedAt >= 0) continue;
    if ((p.cost[c] as bigint) <= left) left -= p.cost[c] as bigint;
    else if (!skipping) stoppedAt = c;
  }
  return p.projectIds.map((_, c) => {
    const r = base(p, c, winners);
    const excluded = ineligible(p, c);
    const before = leftAt.get(c) ?? 0n;
    if (excluded) r.reason = excluded;
    else if (r.selected)
      r.reason = `ranked ${order.indexOf(c) + 1} by votes; ${money(p, before)} was left at its turn`;
    else if (stoppedAt >= 0 && c !== stoppedAt && order.indexOf(c) > order.indexOf(stoppedAt)) {
      r.reason = `counting stopped at project ${p.projectIds[stoppedAt]}, which did not fit`;
    } else r.reason = `only ${money(p, before)} was left at its turn, less than its cost ${r.cost}`;
    if (!r.selected && !excluded) {
      r.neededCost = money(p, before);
      // The fewest extra votes that move it to a turn where its cost still fits
      // (approval and ordinal ballots, where the score is the vote count).
      const byVotes = p.voteType === "approval" || p.voteType === "ordinal";
      for (const d of byVotes ? order : []) {
        if ((leftAt.get(d) ?? 0n) < (p.cost[c] as bigint)) break;
        if (d === c) break;
        // With equal votes the tie order compares cost, then the lot.
        const cc = p.cost[c] as bigint;
        const cd = p.cost[d] as bigint;
        const first = cc < cd || (cc === cd && (p.lot[c] as number) < (p.lot[d] as number));
        const tie = first ? 0 : 1;
        r.neededVotes = (p.votes[d] as number) - (p.votes[c] as number) + tie;
      }
    }
    return r;
  });
}
