/**
 * What a ballot is checked against, per district: its budget and its feasible
 * projects (ids and costs, in ballot order), read in one query for a batch.
 *
 * Kept in memory for a process hosted here while it is voting: from the moment
 * voting opens nothing changes them (proposals, reviews, merges and hiding all
 * end with the review phase, phases only move forward, and district budgets
 * are never edited), so every ballot of the phase is checked against the same
 * rows. The entry is keyed by the time the phase changed, which the batch reads
 * under the process's lock: a process that left voting never uses it. A copy
 * of a process hosted elsewhere (local = 0) is updated by its host at any
 * time, so its rules are read every time.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../../db/schema.ts";
import type { BallotProject } from "./ballot-rules.ts";
import type { Process } from "./reads.ts";

export interface DistrictRules {
  budget: number;
  projects: BallotProject[];
}

export type RulesOf = Map<string, DistrictRules>;

/** Processes kept per database handle; a few votes run at once, so a small cap suffices. */
const MAX_KEPT = 64;
const kept = new WeakMap<Kysely<Schema>, Map<string, { phaseChangedAt: string; rules: RulesOf }>>();

/** Are the process's rules kept (perhaps for an earlier phase: districtRules checks)? */
export function hasRules(cacheOwner: Kysely<Schema>, processId: string): boolean {
  return kept.get(cacheOwner)?.has(processId) ?? false;
}

/**
 * The districts of the process among `districtIds` with their rules; a district
 * that is not the process's is absent. `cacheOwner` is the node's database
 * handle (the cache's scope); `trx` is the batch's transaction; `known`, every
 * district's rules of this process as it is now, read ahead of the transaction.
 */
export async function districtRules(
  cacheOwner: Kysely<Schema>,
  trx: Kysely<Schema>,
  p: Pick<Process, "id" | "local" | "phase" | "phase_changed_at">,
  districtIds: readonly string[],
  known?: RulesOf,
): Promise<RulesOf> {
  if (p.local !== 1 || p.phase !== "voting")
    return known ? only(known, districtIds) : readRules(trx, p.id, districtIds);
  let byProcess = kept.get(cacheOwner);
  if (!byProcess) {
    byProcess = new Map();
    kept.set(cacheOwner, byProcess);
  }
  const entry = byProcess.get(p.id);
  // Every district is read when the entry is made, so one it lacks is not the process's.
  if (entry?.phaseChangedAt === p.phase_changed_at) return only(entry.rules, districtIds);
  const rules = known ?? (await readRules(trx, p.id, null));
  if (byProcess.size >= MAX_KEPT) {
    const oldest = byProcess.keys().next().value;
    if (oldest !== undefined) byProcess.delete(oldest);
  }
  byProcess.set(p.id, { phaseChangedAt: p.phase_changed_at, rules });
  return only(rules, districtIds);
}

function only(rules: RulesOf, districtIds: readonly string[]): RulesOf {
  const out: RulesOf = new Map();
  for (const id of districtIds) {
    const r = rules.get(id);
    if (r) out.set(id, r);
  }
  return out;
}

/**
 * Every district's rules with the process's phase and when it began, in one
 * statement (one snapshot): what a batch reads ahead of its transaction.
 */
export async function readRulesWithPhase(
  db: Kysely<Schema>,
  processId: string,
): Promise<{ phase: Process["phase"]; phaseChangedAt: string; rules: RulesOf } | undefined> {
  const rows = await db
    .selectFrom("pb_processes as p")
    .innerJoin("pb_districts as d", "d.process_id", "p.id")
    .leftJoin("pb_projects as x", (join) =>
      join
        .onRef("x.district_id", "=", "d.id")
        .onRef("x.process_id", "=", "d.process_id")
        .on("x.status", "=", "feasible"),
    )
    .select(["p.phase", "p.phase_changed_at", "d.id as district_id", "d.budget", "x.id", "x.cost"])
    .where("p.id", "=", processId)
    .orderBy("d.id")
    .orderBy("x.cost")
    .orderBy("x.id")
    .execute();
  const first = rows[0];
  if (!first) return undefined;
  return { phase: first.phase, phaseChangedAt: first.phase_changed_at, rules: rulesFrom(rows) };
}

/** One query: the districts (all, or those named) left-joined with their feasible projects. */
async function readRules(
  trx: Kysely<Schema>,
  processId: string,
  districtIds: readonly string[] | null,
): Promise<RulesOf> {
  let q = trx
    .selectFrom("pb_districts as d")
    .leftJoin("pb_projects as x", (join) =>
      join
        .onRef("x.district_id", "=", "d.id")
        .onRef("x.process_id", "=", "d.process_id")
        .on("x.status", "=", "feasible"),
    )
    .select(["d.id as district_id", "d.budget", "x.id", "x.cost"])
    .where("d.process_id", "=", processId);
  if (districtIds) {
    const wanted = [...new Set(districtIds)];
    if (wanted.length === 0) return new Map();
    q = q.where("d.id", "in", wanted);
  }
  return rulesFrom(await q.orderBy("d.id").orderBy("x.cost").orderBy("x.id").execute());
}

/** Rows of districts left-joined with projects (cheapest first per district) → rules. */
function rulesFrom(
  rows: { district_id: string; budget: number; id: string | null; cost: number | null }[],
): RulesOf {
  const out: RulesOf = new Map();
  for (const r of rows) {
    let d = out.get(r.district_id);
    if (!d) {
      d = { budget: Number(r.budget), projects: [] };
      out.set(r.district_id, d);
    }
    if (r.id !== null && r.cost !== null) d.projects.push({ id: r.id, cost: Number(r.cost) });
  }
  return out;
}
