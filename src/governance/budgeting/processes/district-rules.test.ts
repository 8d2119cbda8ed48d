/**
 * What ballots are checked against (district-rules.ts) and the reads a batch
 * starts beside its transaction (ballot-reads-ahead.ts), on SQLite or
 * PostgreSQL (TEST_DATABASE_URL): rules are kept while a process hosted here
 * votes and read again when its phase began at another time; a copy's are
 * read every time; what is read ahead is used only for the process as locked.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  type BudgetingVoteFixture,
  budgetingVoteFixture,
} from "../../../../test/support/budgeting-vote.ts";
import type { LocalMember } from "../../../groups/context.ts";
import type { Group } from "../../../groups/groups.ts";
import { readAhead } from "./ballot-reads-ahead.ts";
import { districtRules, hasRules, readRulesWithPhase } from "./district-rules.ts";
import { type Process, processById } from "./reads.ts";

let f: BudgetingVoteFixture;
let group: Group;
let member: LocalMember;
let outsider: LocalMember;
before(async () => {
  f = await budgetingVoteFixture();
  const admin = await f.member("ana", "admin");
  member = await f.member("bea");
  outsider = await f.member("carla");
  group = await f.groupWith("budget", admin, [member]);
});
after(() => f.handle.close());

const statusOf = (id: string, status: "feasible" | "infeasible") =>
  f.handle.db.updateTable("pb_projects").set({ status }).where("id", "=", id).execute();
const row = async (id: string) => (await processById(f.ctx, id)) as Process;
const idsIn = (rules: Awaited<ReturnType<typeof districtRules>>, d: string) =>
  rules.get(d)?.projects.map((x) => x.id);

test("rules are kept while a process hosted here votes, and read again when its phase began at another time", async () => {
  const p = await f.process({
    group,
    districts: [
      { budget: 1000, costs: [500, 300, 700] },
      { budget: 100, costs: [50] },
    ],
  });
  const [d1, d2] = p.districts as [{ id: string; projects: string[] }, { id: string }];
  const [a, b, c] = d1.projects as [string, string, string];
  const db = f.handle.db;
  const voting = await row(p.id);
  assert.equal(hasRules(db, p.id), false);
  const first = await districtRules(db, db, voting, [d1.id, "elsewhere"]);
  assert.deepEqual(idsIn(first, d1.id), [b, a, c], "cheapest first");
  assert.equal(first.get(d1.id)?.budget, 1000);
  assert.equal(first.has("elsewhere"), false, "a district not the process's is absent");
  assert.equal(first.has(d2.id), false, "only the districts asked for");
  assert.equal(hasRules(db, p.id), true);
  // Nothing changes a project once voting opens; a change made anyway shows the rules are kept.
  await statusOf(a, "infeasible");
  assert.deepEqual(idsIn(await districtRules(db, db, voting, [d1.id]), d1.id), [b, a, c]);
  assert.equal((await districtRules(db, db, voting, [d2.id])).get(d2.id)?.budget, 100);
  const later = { ...voting, phase_changed_at: "2030-01-01T00:00:00.000Z" };
  assert.deepEqual(idsIn(await districtRules(db, db, later, [d1.id]), d1.id), [b, c]);
  await statusOf(a, "feasible");
});

test("a copy of a process hosted elsewhere, and a process not voting: rules read every time", async () => {
  const p = await f.process({ group, districts: [{ budget: 1000, costs: [500, 300] }] });
  const [d] = p.districts as [{ id: string; projects: string[] }];
  const [a, b] = d.projects as [string, string];
  const db = f.handle.db;
  const copy = { ...(await row(p.id)), local: 0 };
  assert.deepEqual(idsIn(await districtRules(db, db, copy, [d.id]), d.id), [b, a]);
  await statusOf(b, "infeasible");
  assert.deepEqual(idsIn(await districtRules(db, db, copy, [d.id]), d.id), [a]);
  assert.equal(hasRules(db, p.id), false);
  const closed = { ...(await row(p.id)), phase: "results" as const };
  await statusOf(b, "feasible");
  assert.deepEqual(idsIn(await districtRules(db, db, closed, [d.id]), d.id), [b, a]);
  assert.equal(hasRules(db, p.id), false);
  const read = await readRulesWithPhase(db, p.id);
  assert.equal(read?.phase, "voting");
  assert.deepEqual(idsIn(read?.rules ?? new Map(), d.id), [b, a]);
  assert.equal(await readRulesWithPhase(db, "no-such-process"), undefined);
});

test("reads ahead: used only for the process as locked (same group, still voting since the same time)", async () => {
  const p = await f.process({ group, districts: [{ budget: 1000, costs: [500] }] });
  const [d] = p.districts as [{ id: string; projects: string[] }];
  const locked = await row(p.id);
  const uris = [f.voter(member).uri, f.voter(outsider).uri];
  const ahead = readAhead(f.ctx, p.id, uris);
  await ahead.ready();
  assert.deepEqual(await ahead.takingPart(locked), new Set([f.voter(member).uri]));
  assert.deepEqual(idsIn((await ahead.rules(locked)) ?? new Map(), d.id), d.projects);

  const moved = readAhead(f.ctx, p.id, uris);
  await moved.ready();
  assert.equal(
    await moved.rules({ ...locked, phase_changed_at: "2030-01-01T00:00:00.000Z" }),
    undefined,
  );
  assert.equal(await moved.rules({ ...locked, phase: "results" }), undefined);
  assert.equal(await moved.takingPart({ ...locked, group_id: "another" }), undefined);
  assert.equal(await moved.takingPart({ ...locked, id: "another" }), undefined);

  const unknown = readAhead(f.ctx, "no-such-process", uris);
  await unknown.ready();
  assert.equal(await unknown.takingPart(locked), undefined);
});
