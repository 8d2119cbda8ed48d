/**
 * Participatory budgeting ballots and counts on a fresh database (SQLite, or
 * PostgreSQL with TEST_DATABASE_URL): the decisions fixture (members, groups,
 * a fixed clock) plus a process written straight into the tables of migration
 * 0025 in the phase a test needs, its districts and feasible projects, so the
 * tests of ballots, counting and .pb files do not walk the whole lifecycle.
 */
import type { Kysely } from "kysely";
import type { PbProcessesTable } from "../../src/db/schema/budgeting.ts";
import type { Schema } from "../../src/db/schema.ts";
import type { Group } from "../../src/groups/groups.ts";
import { newId } from "../../src/kernel/ids.ts";
import { budgetProjectUri, budgetUri, groupUri, memberUri } from "../../src/kernel/uris.ts";
import { type DecisionsFixture, decisionsFixture, ORIGIN } from "./decisions.ts";

export { ORIGIN };

export interface TestProcess {
  id: string;
  districts: { id: string; projects: string[] }[];
  categories: string[];
}

export interface ProcessSpec {
  group: Group;
  over?: Partial<PbProcessesTable>;
  /** Per district: its budget and project costs (minor units). */
  districts: { budget: number; costs: number[] }[];
  /** Categories; project i of a district gets category i % n. */
  categories?: string[];
}

export interface BudgetingVoteFixture extends DecisionsFixture {
  process(spec: ProcessSpec): Promise<TestProcess>;
  setPhase(processId: string, phase: PbProcessesTable["phase"]): Promise<void>;
  table(
    name: "pb_ballots" | "pb_voters" | "pb_secret_ballots" | "pb_results" | "outbox_events",
  ): Promise<unknown[]>;
}

/** A process written straight into the tables (phase "voting" unless `over` says otherwise). */
export async function insertProcess(
  db: Kysely<Schema>,
  origin: string,
  now: Date,
  spec: ProcessSpec,
): Promise<TestProcess> {
  const id = newId();
  const at = now.toISOString();
  await db
    .insertInto("pb_processes")
    .values({
      id,
      uri: budgetUri(origin, id),
      local: 1,
      group_id: spec.group.id,
      group_uri: groupUri(origin, spec.group.name),
      created_by_uri: memberUri(origin, "ana"),
      title: "Neighbourhood budget",
      description: "",
      currency: "EUR",
      rule: "mes-add1",
      ballot_kind: "approval",
      secrecy: "named",
      min_projects: null,
      max_projects: null,
      spending_cap: 0,
      points: null,
      eligibility: "members",
      phase: "voting",
      proposing_ends_at: null,
      review_ends_at: null,
      voting_ends_at: null,
      phase_changed_at: at,
      seed: "7",
      imported: 0,
      created_at: at,
      updated_at: at,
      ...spec.over,
    })
    .execute();
  const categories: string[] = [];
  for (const [position, name] of (spec.categories ?? []).entries()) {
    const cid = newId();
    categories.push(cid);
    await db
      .insertInto("pb_categories")
      .values({ id: cid, process_id: id, name, position })
      .execute();
  }
  const districts: TestProcess["districts"] = [];
  for (const [position, d] of spec.districts.entries()) {
    const did = newId();
    await db
      .insertInto("pb_districts")
      .values({
        id: did,
        process_id: id,
        name: `District ${position + 1}`,
        budget: d.budget,
        position,
      })
      .execute();
    const projects: string[] = [];
    for (const [i, cost] of d.costs.entries()) {
      const pid = newId();
      projects.push(pid);
      await db
        .insertInto("pb_projects")
        .values({
          id: pid,
          uri: budgetProjectUri(origin, id, pid),
          process_id: id,
          district_id: did,
          category_id: categories.length ? (categories[i % categories.length] as string) : null,
          title: `Project ${position + 1}.${i + 1}`,
          description: "",
          cost,
          location: "",
          latitude: null,
          longitude: null,
          images: "[]",
          proposed_by_uri: memberUri(origin, "ana"),
          account_id: null,
          status: "feasible",
          review_note: "",
          reviewed_by_uri: null,
          reviewed_at: null,
          merged_into_id: null,
          progress: 0,
          created_at: at,
          updated_at: at,
        })
        .execute();
    }
    districts.push({ id: did, projects });
  }
  return { id, districts, categories };
}

export async function budgetingVoteFixture(): Promise<BudgetingVoteFixture> {
  const f = await decisionsFixture();
  const db = f.handle.db;
  return {
    ...f,
    process: (spec) => insertProcess(db, ORIGIN, f.clock.now(), spec),
    async setPhase(processId, phase) {
      await db
        .updateTable("pb_processes")
        .set({ phase, phase_changed_at: f.clock.now().toISOString() })
        .where("id", "=", processId)
        .execute();
    },
    table: (name) => db.selectFrom(name).selectAll().execute(),
  };
}
