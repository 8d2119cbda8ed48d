/**
 * Between a process's rows and Pabulib (pure, no database). Money is stored in
 * minor units (cents); the engine and .pb files work in currency units, so costs
 * go to the engine as exact rationals cost/100 — Add1 then steps one currency
 * unit, as equalshares.net does — and come back rounded to cents (the engine
 * reports amounts to two decimals). A file whose amounts have more than two
 * decimals is refused rather than rounded.
 */
import type { PbBallotKind, PbRule } from "../../../db/schema/budgeting.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import { cmp, mulInt, parseDecimal, rat, toDecimal } from "../../../kernel/rational.ts";
import type { Election, PbFile } from "../pabulib.ts";
import { toElection } from "../pabulib.ts";
import { MAX_POINTS } from "./ballot-rules.ts";

export const MINOR_PER_UNIT = 100;
export const toMinor = (units: number) => Math.round(units * MINOR_PER_UNIT);
export const unitsOf = (minor: number) => toDecimal(rat(BigInt(minor), 100n), 2);

/** The rows the count needs. */
export interface CountInput {
  kind: PbBallotKind;
  budget: number;
  projects: { id: string; title: string; cost: number }[];
  /** Choices as stored: { projectId: points }; projects not in `projects` are ignored. */
  ballots: { id: string; choices: Record<string, number> }[];
}

export function electionOf(input: CountInput): Election {
  const known = new Set(input.projects.map((p) => p.id));
  return {
    budget: rat(BigInt(input.budget), 100n),
    voteType: input.kind,
    projects: input.projects.map((p) => ({
      id: p.id,
      name: p.title,
      cost: rat(BigInt(p.cost), 100n),
    })),
    ballots: input.ballots.map((b) => {
      const picks = Object.entries(b.choices).filter(([id, n]) => known.has(id) && n > 0);
      const ballot: Election["ballots"][number] = {
        voterId: b.id,
        projects: picks.map(([id]) => id),
      };
      if (input.kind === "cumulative") ballot.points = picks.map(([, n]) => rat(BigInt(n)));
      return ballot;
    }),
    warnings: [],
  };
}

/** Pabulib's META `rule` names ↔ ours. */
const RULE_NAMES: Record<PbRule, string> = {
  "mes-add1": "equalshares/add1",
  mes: "equalshares",
  greedy: "greedy",
};
export function ruleFromPabulib(name: string | undefined): PbRule | undefined {
  const found = Object.entries(RULE_NAMES).find(([, v]) => v === (name ?? "").toLowerCase());
  return found?.[0] as PbRule | undefined;
}

/** What an export writes: the process, one district and its count. */
export interface ExportInput {
  title: string;
  description: string;
  currency: string;
  district: string;
  rule: PbRule;
  kind: PbBallotKind;
  budget: number;
  minProjects: number | null;
  maxProjects: number | null;
  points: number | null;
  dateBegin: string | null;
  dateEnd: string | null;
  projects: { id: string; title: string; cost: number; category: string | null }[];
  /** Voter ids as they may be published (imported: the file's; otherwise a sequence). */
  ballots: { voterId: string; choices: Record<string, number> }[];
  selected: ReadonlySet<string> | null;
}

const pbDate = (iso: string | null) => {
  if (!iso) return undefined;
  const [y, m, d] = iso.slice(0, 10).split("-");
  return `${d}.${m}.${y}`;
};

export function pbFileOf(x: ExportInput): PbFile {
  const votes = new Map<string, number>();
  for (const b of x.ballots)
    for (const [id, n] of Object.entries(b.choices))
      if (n > 0) votes.set(id, (votes.get(id) ?? 0) + (x.kind === "approval" ? 1 : n));
  const meta: Record<string, string> = {
    description: x.title,
    unit: x.district,
    instance: x.title,
    district: x.district,
    num_projects: String(x.projects.length),
    num_votes: String(x.ballots.length),
    budget: unitsOf(x.budget),
    vote_type: x.kind,
    rule: RULE_NAMES[x.rule],
    currency: x.currency,
  };
  const begin = pbDate(x.dateBegin);
  const end = pbDate(x.dateEnd);
  if (begin) meta.date_begin = begin;
  if (end) meta.date_end = end;
  if (x.kind === "approval") {
    if (x.minProjects !== null) meta.min_length = String(x.minProjects);
    if (x.maxProjects !== null) meta.max_length = String(x.maxProjects);
  } else if (x.points !== null) meta.max_sum_points = String(x.points);
  const projectColumns = ["project_id", "cost", "votes", "name", "category"];
  if (x.selected) projectColumns.push("selected");
  return {
    meta,
    projects: {
      columns: projectColumns,
      rows: x.projects.map((p) => ({
        project_id: p.id,
        cost: unitsOf(p.cost),
        votes: String(votes.get(p.id) ?? 0),
        name: p.title,
        category: p.category ?? "",
        selected: x.selected?.has(p.id) ? "1" : "0",
      })),
    },
    votes: {
      columns: x.kind === "cumulative" ? ["voter_id", "vote", "points"] : ["voter_id", "vote"],
      rows: x.ballots.map((b) => {
        const picks = x.projects.filter((p) => (b.choices[p.id] ?? 0) > 0);
        return {
          voter_id: b.voterId,
          vote: picks.map((p) => p.id).join(","),
          points: picks.map((p) => String(b.choices[p.id])).join(","),
        };
      }),
    },
  };
}

/** Limits on what an import may hold (every count from outside is capped). */
export const IMPORT_LIMITS = { projects: 1000, voters: 200_000, bytes: 32 * 1024 * 1024 };

export type ImportProblem =
  | "file-invalid"
  | "vote-type-unsupported"
  | "too-many-projects"
  | "too-many-voters"
  | "amount-not-in-cents";

/** A past election, ready to store as an imported process. */
export interface ImportedElection {
  title: string;
  description: string;
  currency: string;
  district: string;
  rule: PbRule | undefined;
  kind: PbBallotKind;
  points: number | null;
  budget: number;
  categories: string[];
  projects: {
    key: string;
    title: string;
    description: string;
    cost: number;
    category: string | null;
  }[];
  ballots: { voterId: string; choices: Record<string, number> }[];
  /** The file's `selected` column, when it has one (the official winners). */
  officialWinners: string[] | null;
  warnings: string[];
}

function minorOf(text: string): number | null {
  const v = parseDecimal(text);
  if (!v) return null;
  const cents = mulInt(v, 100n);
  if (cents.d !== 1n || cmp(cents, rat(BigInt(Number.MAX_SAFE_INTEGER))) > 0) return null;
  return Number(cents.n);
}

/** Checks a parsed file (the engine's own checks first) and maps it to rows to store. */
export function importedElectionOf(
  file: PbFile,
): Result<ImportedElection, ImportProblem | `file-invalid:${string}`> {
  if (file.projects.rows.length > IMPORT_LIMITS.projects) return fail("too-many-projects");
  if (file.votes.rows.length > IMPORT_LIMITS.voters) return fail("too-many-voters");
  let election: Election;
  try {
    election = toElection(file);
  } catch (error) {
    return fail(`file-invalid:${(error as Error).message}`);
  }
  if (election.voteType !== "approval" && election.voteType !== "cumulative")
    return fail("vote-type-unsupported");
  const kind: PbBallotKind = election.voteType;
  const budget = minorOf(file.meta.budget ?? "");
  if (budget === null) return fail("amount-not-in-cents");
  const categories: string[] = [];
  const projects: ImportedElection["projects"] = [];
  for (const row of file.projects.rows) {
    const cost = minorOf(row.cost ?? "");
    if (cost === null) return fail("amount-not-in-cents");
    // Pabulib lists several categories comma-separated; the chart takes the first.
    const category = (row.category ?? "").split(",")[0]?.trim() || null;
    if (category && !categories.includes(category)) categories.push(category);
    projects.push({
      key: row.project_id as string,
      title: (row.name ?? "").trim() || `#${row.project_id}`,
      description: row.description ?? "",
      cost,
      category,
    });
  }
  const ballots = election.ballots.map((b) => {
    const choices: Record<string, number> = {};
    b.projects.forEach((id, i) => {
      const p = b.points?.[i];
      choices[id] = p
        ? Math.min(MAX_POINTS, Math.max(0, Math.round(Number(p.n) / Number(p.d))))
        : 1;
    });
    return { voterId: b.voterId, choices };
  });
  let points: number | null = null;
  if (kind === "cumulative") {
    const declared = Number(file.meta.max_sum_points);
    const most = Math.max(
      0,
      ...ballots.map((b) => Object.values(b.choices).reduce((s, n) => s + n, 0)),
    );
    points = Math.min(MAX_POINTS, Number.isInteger(declared) && declared > 0 ? declared : most);
  }
  const hasSelected = file.projects.columns.includes("selected");
  const meta = file.meta;
  const title = [meta.description, meta.unit, meta.instance].filter(Boolean).join(" · ");
  return ok({
    title: (title || "Imported election").slice(0, 200),
    description: [meta.country, meta.unit, meta.subunit, meta.instance].filter(Boolean).join(", "),
    currency: (meta.currency ?? "").slice(0, 16) || "units",
    district: (meta.subunit || meta.district || meta.unit || "—").slice(0, 200),
    rule: ruleFromPabulib(meta.rule),
    kind,
    points,
    budget,
    categories,
    projects,
    ballots,
    officialWinners: hasSelected
      ? file.projects.rows.filter((r) => r.selected === "1").map((r) => r.project_id as string)
      : null,
    warnings: election.warnings,
  });
}
