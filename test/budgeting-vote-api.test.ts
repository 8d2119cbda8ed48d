/**
 * Issue 19, ballots and results for apps (/api/synco/v1/budgets/:id/...): a
 * member reads their district's ballot, casts, changes and withdraws it; bad
 * ballots get a 4xx and write nothing; a non-member is refused; a members-only
 * group's process is 404 to others; results are what the worker stored.
 * SQLite or PostgreSQL (TEST_DATABASE_URL).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { countWaitingProcesses } from "../src/governance/budgeting/processes/counting.ts";
import { createGroup, type Group } from "../src/groups/groups.ts";
import { joinGroup } from "../src/groups/memberships.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { memberClient } from "./api-helpers.ts";
import { insertProcess } from "./support/budgeting-vote.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
type Who = { id: string; token: string };
let ada: Who;
let bea: Who;
let out: Who;
let group: Group;
const db = () => node.node.db.db;
const ctx = () => ({ ...socialOf(node), clock: systemClock });

async function api(who: Who | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${node.url}/api/synco/v1/budgets${path}`, {
    method,
    headers: {
      ...(who ? { authorization: `Bearer ${who.token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

before(async () => {
  node = await startTestNode({ host: "127.0.191.2" });
  ada = await memberClient(node, "ada");
  bea = await memberClient(node, "bea");
  out = await memberClient(node, "out");
  const c = ctx();
  const made = await createGroup(
    c,
    { id: ada.id, username: "ada" },
    {
      name: "hood",
      kind: "working_group",
      displayName: "Hood",
      visibility: "members",
      moderated: false,
    },
  );
  assert.ok(made.ok);
  group = made.value;
  assert.ok((await joinGroup(c, { id: bea.id, username: "bea" }, { group })).ok);
});
after(() => node?.close());

test("a ballot through the API: read, cast, change, withdraw; bad ballots 4xx and nothing written", async () => {
  const p = await insertProcess(db(), node.url, new Date(), {
    group,
    over: { max_projects: 2, spending_cap: 1 },
    districts: [{ budget: 100_000, costs: [60_000, 50_000, 40_000] }],
  });
  const [d] = p.districts;
  assert.ok(d);
  const [a, b, c] = d.projects as [string, string, string];
  const path = `/${p.id}/districts/${d.id}/ballot`;
  const read = await api(bea, "GET", path);
  assert.equal(read.status, 200);
  assert.equal(read.json.voted, false);
  assert.deepEqual(
    (read.json.projects as { cost: number }[]).map((x) => x.cost),
    [40_000, 50_000, 60_000],
  );
  assert.deepEqual((read.json.rules as Record<string, unknown>).max_projects, 2);

  const rows = () => db().selectFrom("pb_ballots").selectAll().execute();
  const before = await rows();
  for (const [who, body, status] of [
    [bea, { choices: { [a]: 1, [b]: 1 } }, 422],
    [bea, { choices: { [a]: 1, [b]: 1, [c]: 1 } }, 422],
    [bea, { choices: {} }, 422],
    [bea, { choices: { nope: 1 } }, 422],
    [bea, { choices: [a] }, 422],
    [bea, { choices: { [a]: 1 }, extra: 1 }, 422],
    [bea, "{not json", 400],
    [bea, '{"choices": {"__proto__": 1}}', 400],
    [out, { choices: { [a]: 1 } }, 404],
    [null, { choices: { [a]: 1 } }, 401],
  ] as const) {
    const res = await api(who, "POST", path, body);
    assert.equal(res.status, status, `${JSON.stringify(body)}: ${JSON.stringify(res.json)}`);
  }
  assert.equal(
    (await api(bea, "POST", `/${p.id}/districts/elsewhere/ballot`, { choices: { [a]: 1 } })).status,
    404,
  );
  assert.deepEqual(await rows(), before);

  const cast = await api(bea, "POST", path, { choices: { [a]: 1 } });
  assert.equal(cast.status, 201);
  assert.deepEqual(cast.json, { changed: false, receipt: null });
  const changed = await api(bea, "POST", path, { choices: { [b]: 1, [c]: 1 } });
  assert.equal(changed.status, 200);
  assert.deepEqual((await api(bea, "GET", path)).json.choices, { [c]: 1, [b]: 1 });
  assert.equal((await api(bea, "DELETE", path, {})).status, 200);
  assert.equal((await api(bea, "DELETE", path, {})).status, 422);
  assert.equal((await api(bea, "GET", path)).json.voted, false);
});

test("results through the API: pending, counting, then the worker's count", async () => {
  const p = await insertProcess(db(), node.url, new Date(), {
    group,
    districts: [{ budget: 100_000, costs: [60_000, 50_000] }],
  });
  const [d] = p.districts;
  assert.ok(d);
  const [a] = d.projects as [string];
  assert.equal(
    (await api(bea, "POST", `/${p.id}/districts/${d.id}/ballot`, { choices: { [a]: 1 } })).status,
    201,
  );
  assert.equal((await api(bea, "GET", `/${p.id}/results`)).json.status, "pending");
  assert.equal(
    (await api(out, "GET", `/${p.id}/results`)).status,
    404,
    "a members-only group's process",
  );
  await db().updateTable("pb_processes").set({ phase: "results" }).where("id", "=", p.id).execute();
  assert.equal((await api(bea, "GET", `/${p.id}/results`)).json.status, "counting");
  await countWaitingProcesses(ctx());
  const done = await api(bea, "GET", `/${p.id}/results`);
  assert.equal(done.json.status, "counted");
  const [district] = done.json.districts as {
    winners: { id: string; why: { kind: string } }[];
    spent: number;
  }[];
  assert.deepEqual(
    district?.winners.map((w) => w.id),
    [a],
  );
  assert.equal(district?.winners[0]?.why.kind, "paid");
  assert.equal(district?.spent, 60_000);
});
