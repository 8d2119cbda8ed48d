/**
 * A district's stored count as pages and the API show it (pure, no database):
 * winners in the order they were bought, losers by votes, and for every project
 * why — the payments of its supporters (MES), its turn (greedy), or for a loser
 * how much cheaper it had to be and how many more supporters it needed (the
 * engine's explanations, docs/budgeting.md) — with money spent per category and
 * the comparison with greedy on the same ballots. Amounts are minor units here;
 * the stored CountResult holds currency units.
 */
import type { PbRule } from "../../../db/schema/budgeting.ts";
import type { CountResult, ProjectReport } from "../count.ts";
import { toMinor } from "./pb-mapping.ts";

export type Why =
  /** MES bought it: groups of supporters and what each paid (everything: all they had left). */
  | { kind: "paid"; payments: { amount: number; voters: number; everything: boolean }[] }
  /** Greedy bought it at this turn, with this much money left. */
  | { kind: "turn"; order: number }
  /** Add1's limit: every supported project fits the budget. */
  | { kind: "all-fit" }
  | { kind: "free" }
  | { kind: "no-votes" }
  | { kind: "below-threshold" }
  /** Lost: it wins at any cost below neededCost; with neededVotes more supporters. */
  | {
      kind: "lost";
      neededCost: number | null;
      cheaperBy: number | null;
      neededVotes: number | null;
    };

export interface ProjectOutcome {
  id: string;
  title: string;
  cost: number;
  votes: number;
  categoryId: string | null;
  selected: boolean;
  order: number | null;
  why: Why;
  /** The engine's sentence, in English (the API carries it; pages say it in the reader's language). */
  reason: string;
  /** Whether greedy on the same ballots buys it too. */
  greedySelected: boolean;
}

export interface CategorySpend {
  id: string | null;
  name: string | null;
  spent: number;
  greedySpent: number;
  projects: number;
}

export interface DistrictResults {
  districtId: string;
  name: string;
  budget: number;
  rule: PbRule;
  ballots: number;
  computedAt: string;
  spent: number;
  winners: ProjectOutcome[];
  losers: ProjectOutcome[];
  categories: CategorySpend[];
  greedy: {
    spent: number;
    selected: number;
    same: boolean;
    onlyRule: string[];
    onlyGreedy: string[];
  };
}

export interface ResultsInput {
  district: { id: string; name: string; budget: number };
  rule: PbRule;
  ballots: number;
  computedAt: string;
  result: CountResult;
  greedy: CountResult;
  projects: ReadonlyMap<string, { title: string; category_id: string | null }>;
  categories: readonly { id: string; name: string }[];
}

function whyOf(r: ProjectReport, rule: PbRule): Why {
  if (r.reason.startsWith("not eligible")) return { kind: "below-threshold" };
  if (r.votes === 0) return { kind: "no-votes" };
  if (r.selected) {
    if (r.cost === 0) return { kind: "free" };
    if (r.payments)
      return {
        kind: "paid",
        payments: r.payments.map((g) => ({
          amount: toMinor(g.amount),
          voters: g.voters,
          everything: g.everything,
        })),
      };
    if (rule !== "greedy") return { kind: "all-fit" };
    return { kind: "turn", order: r.order ?? 0 };
  }
  const neededCost = r.neededCost === undefined ? null : toMinor(r.neededCost);
  return {
    kind: "lost",
    neededCost,
    cheaperBy: neededCost === null ? null : Math.max(0, toMinor(r.cost) - neededCost),
    neededVotes: r.neededVotes ?? null,
  };
}

export function districtResults(x: ResultsInput): DistrictResults {
  const greedyWins = new Set(x.greedy.selected);
  const outcomes = x.result.projects.map((r): ProjectOutcome => {
    const row = x.projects.get(r.id);
    return {
      id: r.id,
      title: row?.title ?? r.name,
      cost: toMinor(r.cost),
      votes: r.votes,
      categoryId: row?.category_id ?? null,
      selected: r.selected,
      order: r.order ?? null,
      why: whyOf(r, x.rule),
      reason: r.reason,
      greedySelected: greedyWins.has(r.id),
    };
  });
  const winners = outcomes
    .filter((o) => o.selected)
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const losers = outcomes
    .filter((o) => !o.selected)
    .sort((a, b) => b.votes - a.votes || a.cost - b.cost);
  const categories: CategorySpend[] = [
    ...x.categories.map((c) => ({ id: c.id, name: c.name })),
    { id: null, name: null },
  ].map((c) => {
    const mine = outcomes.filter((o) => o.categoryId === c.id);
    const sum = (xs: ProjectOutcome[]) => xs.reduce((s, o) => s + o.cost, 0);
    return {
      ...c,
      spent: sum(mine.filter((o) => o.selected)),
      greedySpent: sum(mine.filter((o) => o.greedySelected)),
      projects: mine.length,
    };
  });
  const title = (o: ProjectOutcome) => o.title;
  return {
    districtId: x.district.id,
    name: x.district.name,
    budget: x.district.budget,
    rule: x.rule,
    ballots: x.ballots,
    computedAt: x.computedAt,
    spent: toMinor(x.result.spent),
    winners,
    losers,
    // Uncategorised only when something is in it.
    categories: categories.filter((c) => c.id !== null || c.projects > 0),
    greedy: {
      spent: toMinor(x.greedy.spent),
      selected: x.greedy.selected.length,
      same: [...x.greedy.selected].sort().join() === [...x.result.selected].sort().join(),
      onlyRule: winners.filter((o) => !o.greedySelected).map(title),
      onlyGreedy: outcomes.filter((o) => !o.selected && o.greedySelected).map(title),
    },
  };
}
