/**
 * The counting view of an election: projects and voters numbered, money as
 * integers (scaled by a power of ten so decimal costs stay exact), supporters
 * per project, eligibility and the fixed tie-breaking order.
 */

import { mulberry32 } from "../../kernel/mulberry32.ts";
import { cmp, type Rational } from "../../kernel/rational.ts";
import type { Election, VoteType } from "./pabulib.ts";

export interface Profile {
  voteType: VoteType;
  projectIds: string[];
  names: string[];
  /** Costs and budget in money units: one currency unit is `unit` money units. */
  cost: bigint[];
  budget: bigint;
  unit: bigint;
  voterIds: string[];
  /** Voter indices supporting each project (positive utility), ascending. */
  supporters: Int32Array[];
  /** Per project, the supporters' utilities (points scaled to integers); undefined on approval ballots. */
  utilities: (bigint[] | undefined)[];
  /** Number of supporters (the project's vote count). */
  votes: number[];
  /** Sum of points (approval: the vote count), the score greedy ranks by. */
  score: Rational[];
  /** False when META min_project_score_threshold excludes the project. */
  eligible: boolean[];
  /** Position in the tie-breaking order: lowest cost, then most votes, then the lot. */
  tieRank: Int32Array;
  /** The lot alone: each project's position in the seeded random order. */
  lot: Int32Array;
  seed: number;
}

/** A small seeded generator (mulberry32), so a lot can be redrawn from its recorded seed. */
export const lotGenerator = mulberry32;

/** A random permutation of 0..m-1 drawn from the seed (Fisher–Yates). */
export function drawLot(m: number, seed: number): Int32Array {
  const next = lotGenerator(seed);
  const order = Int32Array.from({ length: m }, (_, k) => k);
  for (let k = m - 1; k > 0; k--) {
    const j = Math.floor(next() * (k + 1));
    const t = order[k] as number;
    order[k] = order[j] as number;
    order[j] = t;
  }
  const lot = new Int32Array(m);
  order.forEach((project, position) => {
    lot[project] = position;
  });
  return lot;
}

function denominatorPower(values: Rational[]): bigint {
  let unit = 1n;
  for (const v of values) {
    while (v.d > unit || unit % v.d !== 0n) {
      unit *= 10n;
      if (unit > 10n ** 30n) throw new RangeError("amounts are not decimal numbers");
    }
  }
  return unit;
}

function scaled(v: Rational, unit: bigint): bigint {
  return (v.n * unit) / v.d;
}

export function toProfile(election: Election, seed = 1): Profile {
  const { projects, ballots } = election;
  const unit = denominatorPower([election.budget, ...projects.map((p) => p.cost)]);
  const index = new Map(projects.map((p, k) => [p.id, k]));
  const m = projects.length;
  const supporterLists: number[][] = projects.map(() => []);
  const pointLists: Rational[][] = projects.map(() => []);
  const cardinal = election.voteType === "cumulative" || election.voteType === "scoring";
  const score: Rational[] = projects.map(() => ({ n: 0n, d: 1n }));
  ballots.forEach((ballot, voter) => {
    ballot.projects.forEach((id, k) => {
      const project = index.get(id) as number;
      const points = cardinal ? (ballot.points?.[k] ?? { n: 0n, d: 1n }) : { n: 1n, d: 1n };
      const s = score[project] as Rational;
      score[project] = { n: s.n * points.d + points.n * s.d, d: s.d * points.d };
      if (points.n <= 0n) return;
      (supporterLists[project] as number[]).push(voter);
      (pointLists[project] as Rational[]).push(points);
    });
  });
  const pointUnit = cardinal ? denominatorPower(pointLists.flat()) : 1n;
  const cost = projects.map((p) => scaled(p.cost, unit));
  const votes = supporterLists.map((s) => s.length);
  const normalScore = score.map((s) => {
    const g = gcdBig(s.n, s.d);
    return { n: s.n / g, d: s.d / g };
  });
  const eligible = normalScore.map((s) =>
    election.minProjectScore ? cmp(s, election.minProjectScore) >= 0 : true,
  );
  const lot = drawLot(m, seed);
  const order = Array.from({ length: m }, (_, k) => k).sort((a, b) => {
    const ca = cost[a] as bigint;
    const cb = cost[b] as bigint;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (votes[a] !== votes[b]) return (votes[b] as number) - (votes[a] as number);
    return (lot[a] as number) - (lot[b] as number);
  });
  const tieRank = new Int32Array(m);
  order.forEach((project, position) => {
    tieRank[project] = position;
  });
  return {
    voteType: election.voteType,
    projectIds: projects.map((p) => p.id),
    names: projects.map((p) => p.name),
    cost,
    budget: scaled(election.budget, unit),
    unit,
    voterIds: ballots.map((b) => b.voterId),
    supporters: supporterLists.map((s) => Int32Array.from(s)),
    utilities: pointLists.map((pts) =>
      cardinal ? pts.map((p) => scaled(p, pointUnit)) : undefined,
    ),
    votes,
    score: normalScore,
    eligible,
    tieRank,
    lot,
    seed,
  };
}

function gcdBig(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

/** Projects a rule may select: eligible and supported by at least one voter. */
export function candidates(p: Profile): number[] {
  return p.projectIds.map((_, k) => k).filter((k) => p.eligible[k] && (p.votes[k] as number) > 0);
}

export function totalCost(p: Profile, projects: number[]): bigint {
  let sum = 0n;
  for (const k of projects) sum += p.cost[k] as bigint;
  return sum;
}
