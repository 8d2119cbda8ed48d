/**
 * What a participatory budgeting ballot may hold (pure, no database): approval
 * ballots pick projects of one district, between the process's minimum and
 * maximum number of picks and, with a spending cap, costing no more in total
 * than the district's budget; cumulative ballots spread at most N points.
 * Input comes from forms, JSON and other nodes, so every key and number is
 * checked and capped before anything is kept, and keys are only ever compared
 * with the district's project ids (never used to index an object).
 */
import type { PbBallotKind } from "../../../db/schema/budgeting.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";

export interface BallotRules {
  kind: PbBallotKind;
  minProjects: number | null;
  maxProjects: number | null;
  /** Approval: the total cost of the picks may not exceed the budget. */
  spendingCap: boolean;
  /** Cumulative: points each voter spreads. */
  points: number | null;
  /** The district's budget (minor units). */
  budget: number;
}

/** A project on the district's ballot. */
export interface BallotProject {
  id: string;
  cost: number;
}

export type BallotProblem =
  | "choices-invalid"
  | "unknown-project"
  | "empty-ballot"
  | "too-few-projects"
  | "too-many-projects"
  | "over-budget"
  | "points-invalid"
  | "too-many-points";

/** Kept choices: project id → points (approval: 1 each), in the district's project order. */
export type Choices = Record<string, number>;

/** More keys than this are refused unread (a district has far fewer projects). */
export const MAX_CHOICE_KEYS = 1000;
/** The most points a cumulative ballot may spread (a process's `points` is capped here too). */
export const MAX_POINTS = 10_000;

const isWhole = (n: unknown): n is number =>
  typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= MAX_POINTS;

/** `raw`: { projectId: number } (approval: any positive number or true picks it). */
export function validateChoices(
  rules: BallotRules,
  projects: readonly BallotProject[],
  raw: unknown,
): Result<Choices, BallotProblem> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail("choices-invalid");
  const entries = Object.entries(raw);
  if (entries.length > MAX_CHOICE_KEYS) return fail("choices-invalid");
  const known = new Map(projects.map((p) => [p.id, p]));
  const picked = new Map<string, number>();
  for (const [id, value] of entries) {
    if (!known.has(id)) return fail("unknown-project");
    let amount: number;
    if (rules.kind === "approval") {
      if (value === true || value === 1) amount = 1;
      else if (value === false || value === 0) amount = 0;
      else return fail("choices-invalid");
    } else {
      if (!isWhole(value)) return fail("points-invalid");
      amount = value;
    }
    if (amount > 0) picked.set(id, amount);
  }
  if (picked.size === 0) return fail("empty-ballot");
  if (rules.kind === "approval") {
    if (rules.minProjects !== null && picked.size < rules.minProjects)
      return fail("too-few-projects");
    if (rules.maxProjects !== null && picked.size > rules.maxProjects)
      return fail("too-many-projects");
    if (rules.spendingCap && spentBy(projects, picked) > rules.budget) return fail("over-budget");
  } else {
    const total = [...picked.values()].reduce((s, x) => s + x, 0);
    if (total > (rules.points ?? 0)) return fail("too-many-points");
  }
  const choices: Choices = {};
  for (const p of projects) {
    const amount = picked.get(p.id);
    if (amount !== undefined) choices[p.id] = amount;
  }
  return ok(choices);
}

/** What the picked projects cost together (the running total a voter sees). */
export function spentBy(projects: readonly BallotProject[], picked: ReadonlyMap<string, number>) {
  return projects.reduce((sum, p) => sum + (picked.has(p.id) ? p.cost : 0), 0);
}

/**
 * A ballot form's fields (parsed with every value kept) → raw choices: approval
 * checkboxes `project` (repeated ids), cumulative `points.<id>` numbers. Blank
 * points are zero; text that is not a whole number stays text, so validateChoices
 * refuses it.
 */
export function choicesFromForm(
  kind: PbBallotKind,
  body: Record<string, string | string[] | unknown>,
): Record<string, unknown> {
  const raw = new Map<string, unknown>();
  const values = (v: unknown): string[] =>
    (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
  if (kind === "approval") {
    for (const id of values(body.project).slice(0, MAX_CHOICE_KEYS + 1)) raw.set(id, 1);
  } else {
    for (const [name, value] of Object.entries(body)) {
      if (!name.startsWith("points.")) continue;
      if (raw.size > MAX_CHOICE_KEYS) break;
      const text = (values(value)[0] ?? "").trim();
      raw.set(name.slice(7), text === "" ? 0 : /^\d{1,6}$/.test(text) ? Number(text) : text);
    }
  }
  return Object.fromEntries(raw);
}
