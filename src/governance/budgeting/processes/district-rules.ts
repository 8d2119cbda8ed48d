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

type RulesOf = Map<string, DistrictRules>;

/** Processes kept per database handle; a few votes run at once, so a small cap suffices. */
const MAX_KEPT = 64;
const kept = new WeakMap<Kysely<Schema>, Map<string, { phaseChangedAt: string; rules: RulesOf }>>();

/**
 * The districts of the process among `districtIds` with their rules; a district
 * that is not the process's is absent. `cacheOwner` is the node's database
 * handle (the cache's scope); `trx` is the batch's transaction.
 */
export async function districtRules(
  cacheOwner: Kysely<Schema>,
  trx: Kysely<Schema>,
  p: Pick<Process, "id" | "local" | "phase" | "phase_changed_at">,
  districtIds: readonly string[],
): Promise<RulesOf> {
  if (p.local !== 1 || p.phase !== "voting") return readRules(trx, p.id, districtIds);
  let byProcess = kept.get(cacheOwner);
  if (!byProcess) {
    byProcess = new Map();
    kept.set(cacheOwner, byProcess);
  }
  const entry = byProcess.get(p.id);
  if (entry?.phaseChangedAt === p.phase_changed_at) {
    // Every district is read when the entry is made, so one it lacks is not the process's.
    const out: RulesOf = new Map();
    for (const id of districtIds) {
      const rules = entry.rules.get(id);
      if (rules) out.set(id, rules);
    }
    return out;
  }
  const rules = await readRules(trx, p.id, null);
  if (byProcess.size >= MAX_KEPT) {
    const oldest = byProcess.keys().next().value;
    if (oldest !== undefined) byProcess.delete(oldest);
  }
  byProcess.set(p.id, { phaseChangedAt: p.phase_changed_at, rules });
  return rules;
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
  const rows = await q.orderBy("d.id").orderBy("x.cost").orderBy("x.id").execute();
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
