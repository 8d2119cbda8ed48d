/**
 * Copies of processes hosted elsewhere, the ballots a member co-op relays from
 * them, and who takes part across nodes — on a fresh database (SQLite, or
 * PostgreSQL with TEST_DATABASE_URL). The nodes' traffic is in
 * test/budgeting-federation.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { groupsFixture, ORIGIN } from "../../../../test/support/groups.ts";
import { newId } from "../../../kernel/ids.ts";
import { memberUri } from "../../../kernel/uris.ts";
import { receiveRemoteProcess } from "./copies.ts";
import { takesPartAcrossNodes } from "./eligibility.ts";
import { markRelayed, pendingBallots, relayedBallot } from "./relayed.ts";
import type { RemoteProcessInput } from "./types.ts";

const host = "https://a.example";
const groupUri = `${host}/groups/fednet`;
const uri = `${host}/budgets/0190-p`;
const t = "2026-12-01T10:00:00.000Z";
const later = "2026-12-02T10:00:00.000Z";
const d = (x: string) => `${uri}#districts/${x}`;
const project = (n: number, district: string) => ({
  uri: `${uri}/projects/p${n}`,
  districtUri: d(district),
  categoryUri: null,
  title: `Project ${n}`,
  description: "",
  cost: 1000 * n,
  location: "",
  latitude: null,
  longitude: null,
  proposedByUri: `${host}/users/ana`,
  proposalUri: null,
  images: [],
  status: "feasible" as const,
  reviewNote: "",
  progress: 0,
  createdAt: t,
  updatedAt: t,
});
const input = (over: Partial<RemoteProcessInput> = {}): RemoteProcessInput => ({
  uri,
  groupUri,
  createdByUri: `${host}/users/ana`,
  title: "Parks",
  description: "",
  currency: "EUR",
  rule: "mes-add1",
  ballotKind: "approval",
  secrecy: "named",
  minProjects: null,
  maxProjects: null,
  spendingCap: true,
  points: null,
  eligibility: "federation",
  phase: "voting",
  phaseChangedAt: t,
  proposingEndsAt: null,
  reviewEndsAt: null,
  votingEndsAt: null,
  seed: "7",
  districts: [
    { uri: d("n"), name: "North", budget: 5000 },
    { uri: d("s"), name: "South", budget: 3000 },
  ],
  categories: [],
  projects: [project(1, "n"), project(2, "n"), project(3, "s")],
  results: [],
  createdAt: t,
  updatedAt: t,
  ...over,
});

async function setUp() {
  const f = await groupsFixture();
  const ben = await f.member("ben", "admin");
  const group = await f.remote(groupUri, "Group");
  const affiliate = () =>
    f.handle.db
      .insertInto("coop_affiliations")
      .values({
        id: newId(),
        group_uri: groupUri,
        group_remote_id: group.remoteId,
        status: "active",
        follow_activity_uri: `${ORIGIN}/groups/affiliations/x`,
        created_at: t,
      })
      .execute();
  const rowsOf = async (id: string) => ({
    process: await f.handle.db
      .selectFrom("pb_processes")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow(),
    districts: await f.handle.db
      .selectFrom("pb_districts")
      .select(["id", "uri", "name", "budget"])
      .where("process_id", "=", id)
      .orderBy("position")
      .execute(),
    projects: await f.handle.db
      .selectFrom("pb_projects")
      .select(["id", "uri", "title", "status", "district_id"])
      .where("process_id", "=", id)
      .orderBy("uri")
      .execute(),
  });
  return { f, ben, affiliate, rowsOf };
}

test("a copy is kept only for a federation our co-op is in; refreshed, never by an older or foreign description", async () => {
  const { f, affiliate, rowsOf } = await setUp();
  assert.deepEqual(await receiveRemoteProcess(f.ctx, input()), { ok: false, reason: "not-ours" });
  assert.equal(
    await f.handle.db.selectFrom("pb_processes").select("id").executeTakeFirst(),
    undefined,
  );
  await affiliate();
  const kept = await receiveRemoteProcess(f.ctx, input());
  assert.ok(kept.ok);
  const rows = await rowsOf(kept.value.id);
  assert.equal(rows.process.local, 0);
  assert.equal(rows.process.group_id, null);
  assert.deepEqual(
    rows.districts.map((x) => [x.uri, x.name, Number(x.budget)]),
    [
      [d("n"), "North", 5000],
      [d("s"), "South", 3000],
    ],
  );
  assert.equal(rows.projects.length, 3);
  const south = rows.districts[1]?.id;
  assert.equal(rows.projects.find((p) => p.title === "Project 3")?.district_id, south);

  // Results and a hidden project arrive with a later description.
  const result = { rule: "mes-add1", selected: ["x"], spent: 1000, projects: [] };
  const next = input({
    phase: "results",
    updatedAt: later,
    projects: [project(1, "n"), project(3, "s")],
    results: [{ districtUri: d("n"), result, greedy: result, ballotsCount: 4, computedAt: later }],
  });
  assert.deepEqual(await receiveRemoteProcess(f.ctx, next), kept);
  const after = await rowsOf(kept.value.id);
  assert.equal(after.process.phase, "results");
  assert.equal(after.projects.find((p) => p.title === "Project 2")?.status, "hidden");
  const stored = await f.handle.db
    .selectFrom("pb_results")
    .selectAll()
    .where("process_id", "=", kept.value.id)
    .execute();
  assert.equal(stored.length, 1);
  assert.deepEqual(JSON.parse(stored[0]?.result ?? "null"), result);

  // An older description changes nothing; another Group cannot take it over.
  assert.deepEqual(await receiveRemoteProcess(f.ctx, input({ title: "Old" })), {
    ok: false,
    reason: "stale",
  });
  assert.deepEqual(
    await receiveRemoteProcess(f.ctx, input({ groupUri, updatedAt: later, title: "x", uri })),
    kept,
  );
  await f.handle.db
    .insertInto("coop_affiliations")
    .values({
      id: newId(),
      group_uri: `${host}/groups/other`,
      group_remote_id: (await f.remote(`${host}/groups/other`, "Group")).remoteId,
      status: "active",
      follow_activity_uri: `${ORIGIN}/groups/affiliations/y`,
      created_at: t,
    })
    .execute();
  assert.deepEqual(
    await receiveRemoteProcess(
      f.ctx,
      input({ groupUri: `${host}/groups/other`, updatedAt: "2026-12-03T00:00:00.000Z" }),
    ),
    { ok: false, reason: "moved" },
  );
  assert.equal((await rowsOf(kept.value.id)).process.title, "x");
});

test("a member co-op's node relays what changed: new, changed and withdrawn ballots, by the host's URIs", async () => {
  const { f, ben, affiliate, rowsOf } = await setUp();
  await affiliate();
  const kept = await receiveRemoteProcess(f.ctx, input());
  assert.ok(kept.ok);
  const rows = await rowsOf(kept.value.id);
  const north = rows.districts[0]?.id ?? "";
  const [p1, p2] = rows.projects;
  const ballotId = newId();
  await f.handle.db
    .insertInto("pb_ballots")
    .values({
      id: ballotId,
      process_id: kept.value.id,
      district_id: north,
      voter_uri: memberUri(ORIGIN, "ben"),
      cast_by_uri: memberUri(ORIGIN, "ben"),
      account_id: ben.id,
      choices: JSON.stringify({ [p1?.id ?? ""]: 1 }),
      created_at: t,
      updated_at: t,
    })
    .execute();
  const first = await pendingBallots(f.handle.db, kept.value.id, north);
  assert.deepEqual(
    first.map((p) => [p.ballotId, p.change, p.secret]),
    [[ballotId, "create", false]],
  );
  const served = await relayedBallot(f.handle.db, ORIGIN, kept.value.id, ballotId);
  assert.deepEqual(served, {
    uri: `${ORIGIN}/pb-ballots/${kept.value.id}/${ballotId}`,
    coopUri: memberUri(ORIGIN, "coop"),
    processUri: uri,
    districtUri: d("n"),
    voterUri: memberUri(ORIGIN, "ben"),
    choices: [{ projectUri: p1?.uri, points: 1 }],
    publishedAt: t,
    updatedAt: t,
    groupUri,
  });
  await markRelayed(f.handle.db, kept.value.id, north, first);
  assert.deepEqual(await pendingBallots(f.handle.db, kept.value.id, north), []);
  await f.handle.db
    .updateTable("pb_ballots")
    .set({ choices: JSON.stringify({ [p2?.id ?? ""]: 1 }) })
    .where("id", "=", ballotId)
    .execute();
  const changed = await pendingBallots(f.handle.db, kept.value.id, north);
  assert.deepEqual(
    changed.map((p) => p.change),
    ["update"],
  );
  await markRelayed(f.handle.db, kept.value.id, north, changed);
  await f.handle.db.deleteFrom("pb_ballots").where("id", "=", ballotId).execute();
  const gone = await pendingBallots(f.handle.db, kept.value.id, north);
  assert.deepEqual(
    gone.map((p) => [p.ballotId, p.change]),
    [[ballotId, "delete"]],
  );
  await markRelayed(f.handle.db, kept.value.id, north, gone);
  assert.equal(
    await f.handle.db.selectFrom("pb_relayed_ballots").select("ballot_id").executeTakeFirst(),
    undefined,
  );
  // A process hosted here (local = 1) relays nothing; nor is a ballot of it served.
  await f.handle.db.updateTable("pb_processes").set({ local: 1 }).execute();
  assert.deepEqual(await pendingBallots(f.handle.db, kept.value.id, north), []);
});

test("a secret ballot is served as the co-op's: no voter, no time of its own", async () => {
  const { f, affiliate, rowsOf } = await setUp();
  await affiliate();
  const kept = await receiveRemoteProcess(f.ctx, input({ secrecy: "secret" }));
  assert.ok(kept.ok);
  const rows = await rowsOf(kept.value.id);
  const north = rows.districts[0]?.id ?? "";
  const id = crypto.randomUUID();
  await f.handle.db
    .insertInto("pb_secret_ballots")
    .values({
      process_id: kept.value.id,
      district_id: north,
      id,
      choices: JSON.stringify({ [rows.projects[0]?.id ?? ""]: 1 }),
      receipt_hash: "h",
    })
    .execute();
  const pending = await pendingBallots(f.handle.db, kept.value.id, north);
  assert.deepEqual(
    pending.map((p) => [p.ballotId, p.secret]),
    [[id, true]],
  );
  const served = await relayedBallot(f.handle.db, ORIGIN, kept.value.id, id);
  assert.equal(served?.voterUri, null);
  assert.equal(served?.coopUri, memberUri(ORIGIN, "coop"));
  assert.equal(served?.publishedAt, t);
});

test("who takes part across nodes: our active members in a copy while our co-op is in the federation", async () => {
  const { f, ben, affiliate } = await setUp();
  const copy = { local: 0, group_id: null, group_uri: groupUri, eligibility: "federation" };
  const benUri = memberUri(ORIGIN, "ben");
  assert.equal(await takesPartAcrossNodes(f.ctx, copy, benUri), false);
  await affiliate();
  assert.equal(await takesPartAcrossNodes(f.ctx, copy, benUri), true);
  assert.equal(await takesPartAcrossNodes(f.ctx, copy, "https://b.example/users/eve"), false);
  await f.handle.db
    .updateTable("accounts")
    .set({ status: "suspended" })
    .where("id", "=", ben.id)
    .execute();
  assert.equal(await takesPartAcrossNodes(f.ctx, copy, benUri), false);
});

test("who takes part across nodes: on the host, actors on the node of an active member co-op", async () => {
  const { f, ben } = await setUp();
  const fed = await f.group(ben, { name: "fed", kind: "federation" });
  const hosted = {
    local: 1,
    group_id: fed.id,
    group_uri: `${ORIGIN}/groups/fed`,
    eligibility: "federation",
  };
  const coop = await f.remote("https://b.example/users/coop", "Organization");
  const eve = "https://b.example/users/eve";
  assert.equal(await takesPartAcrossNodes(f.ctx, hosted, eve), false);
  const member = {
    id: newId(),
    group_id: fed.id,
    actor_uri: coop.uri,
    account_id: null,
    remote_id: coop.remoteId,
    actor_kind: "coop" as const,
    role: "member" as const,
    status: "pending" as const,
    follow_activity_uri: null,
    created_at: t,
    updated_at: t,
  };
  await f.handle.db.insertInto("group_members").values(member).execute();
  assert.equal(
    await takesPartAcrossNodes(f.ctx, hosted, eve),
    false,
    "a pending co-op vouches for no one",
  );
  await f.handle.db
    .updateTable("group_members")
    .set({ status: "active" })
    .where("id", "=", member.id)
    .execute();
  assert.equal(await takesPartAcrossNodes(f.ctx, hosted, eve), true);
  assert.equal(await takesPartAcrossNodes(f.ctx, hosted, "https://c.example/users/cid"), false);
  assert.equal(
    await takesPartAcrossNodes(f.ctx, { ...hosted, eligibility: "members" }, eve),
    false,
  );
  // Our own members are the host's own rule's (processes/eligibility.ts), not vouched for here.
  assert.equal(await takesPartAcrossNodes(f.ctx, hosted, memberUri(ORIGIN, "ben")), false);
});
