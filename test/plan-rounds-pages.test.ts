/**
 * Plan rounds through their pages and API on a real node (127.0.218.20): a
 * federation's moderator opens a round (a member may not; bad input is 422 and
 * writes nothing), the sweep solves it, the co-op's part shows each allocation
 * explained with Accept/Reject, a rejection of one commitment is recorded (bad
 * answers are 4xx and change nothing), an infeasible round shows the
 * diagnosis, the API lists and answers alike, and a member whose language is
 * Spanish reads the pages in Spanish.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openRound } from "../src/economy/plan-rounds/rounds.ts";
import { sweepPlanRounds } from "../src/economy/plan-rounds/sweep.ts";
import { joinWithOurCoop } from "../src/groups/federations.ts";
import { createGroup, type Group } from "../src/groups/groups.ts";
import { coopUri } from "../src/kernel/uris.ts";
import { memberClient } from "./api-helpers.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";
import { breadProposal, memberCoop } from "./support/plan-rounds.ts";

let node: TestNode;
let ana: SignedIn;
let bea: SignedIn;
let beaToken: string;
let fed: Group;
const C = "https://c.example/users/coop";
const db = () => node.node.db.db;
const ctx = () => ({ db: db(), origin: node.url, clock: node.node.federation.deps.clock });
const count = async (table: "plan_rounds" | "plan_part_answers") =>
  Number(
    (await db().selectFrom(table).select(db().fn.countAll().as("n")).executeTakeFirstOrThrow()).n,
  );
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 16);
const api = (method: string, path: string, body: unknown, token: string) =>
  fetch(`${node.url}/api/synco/v1/plan-rounds${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
let cNeed: string;

before(async () => {
  node = await startTestNode({ host: "127.0.218.20" });
  const admin = await createMember(node, {
    username: "ana",
    password: "long enough",
    role: "admin",
  });
  ana = await signIn(node, "ana", "long enough");
  ({ token: beaToken } = await memberClient(node, "bea"));
  bea = await signIn(node, "bea", "correct horse battery");
  const made = await createGroup(socialOf(node), admin, {
    name: "fed",
    kind: "federation",
    displayName: "Bakers' federation",
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok);
  fed = made.value;
  assert.ok((await joinWithOurCoop(socialOf(node), admin, { group: fed })).ok);
  const groupUri = `${node.url}/groups/fed`;
  await memberCoop(db(), fed.id, C, new Date().toISOString());
  await breadProposal(db(), node.url, {
    agent: coopUri(node.url),
    groupUri,
    purpose: "offer",
    kg: 10,
    at: [40, -3],
  });
  cNeed = await breadProposal(db(), node.url, {
    agent: C,
    groupUri,
    purpose: "request",
    kg: 6,
    at: [40.1, -3],
  });
});
after(() => node?.close());

test("a moderator opens a round; a member may not; bad input is 422 and writes nothing", async () => {
  const list = await (await ana.get("/plan-rounds")).text();
  assert.match(list, /Open a round in Bakers&#39;? federation|Open a round in Bakers' federation/);
  assert.doesNotMatch(await (await bea.get("/plan-rounds")).text(), /Open a round/);
  for (const bad of [
    { title: "", deadline: inDays(2) },
    { title: "R", deadline: "soon" },
    { title: "R", deadline: inDays(200) },
  ]) {
    const res = await ana.post("/groups/fed/plan-rounds", bad);
    assert.equal(res.status, 422, JSON.stringify(bad));
  }
  assert.equal(
    (await bea.post("/groups/fed/plan-rounds", { title: "R", deadline: inDays(2) })).status,
    403,
  );
  assert.equal(await count("plan_rounds"), 0);
  const res = await ana.post("/groups/fed/plan-rounds", {
    title: "Bread, week 10",
    deadline: inDays(2),
  });
  assert.equal(res.status, 303);
  assert.match(res.headers.get("location") ?? "", /^\/plan-rounds\/[0-9a-f-]{36}$/);
  const page = await (await ana.get(res.headers.get("location") ?? "")).text();
  assert.match(page, /Waiting for the solver/);
});

test("the part is explained and answered; bad answers change nothing", async () => {
  await sweepPlanRounds(ctx());
  const round = await db().selectFrom("plan_rounds").selectAll().executeTakeFirstOrThrow();
  assert.equal(round.status, "accepting");
  const path = `/plan-rounds/${round.id}`;
  const page = await (await ana.get(path)).text();
  assert.match(page, /You send 6 kg of Bread to c\.example/);
  assert.match(page, /Carrying it costs 0\.11 a unit/);
  assert.match(page, /Accept our part/);
  const commitment = await db()
    .selectFrom("plan_commitments")
    .select("id")
    .executeTakeFirstOrThrow();
  const before = await count("plan_part_answers");
  assert.equal((await ana.post(`${path}/answer`, { answer: "maybe" })).status, 422);
  assert.equal(
    (await ana.post(`${path}/answer`, { answer: "reject", rejected: "nope" })).status,
    422,
  );
  assert.equal(
    (await ana.post(`${path}/answer`, { answer: "reject" })).status,
    422,
    "no commitment named, no reason",
  );
  assert.equal((await bea.post(`${path}/answer`, { answer: "accept" })).status, 403);
  assert.equal(
    (
      await ana.post("/plan-rounds/00000000-0000-7000-8000-000000000000/answer", {
        answer: "accept",
      })
    ).status,
    404,
  );
  assert.equal(await count("plan_part_answers"), before);
  const done = await ana.post(`${path}/answer`, {
    answer: "reject",
    rejected: commitment.id,
    note: "Oven broken",
  });
  assert.equal(done.status, 303);
  const after = await (await ana.get(`${path}?answered=1`)).text();
  assert.match(after, /Your co-op answered: rejected/);
  assert.doesNotMatch(after, /Accept our part/);
  assert.equal(
    (await ana.post(`${path}/answer`, { answer: "accept" })).status,
    422,
    "answered already",
  );

  // The API sees the same round and refuses the same bad input.
  const listed = (await (await api("GET", "", undefined, beaToken)).json()) as { id: string }[];
  assert.deepEqual(
    listed.map((r) => r.id),
    [round.id],
  );
  const one = (await (await api("GET", `/${round.id}`, undefined, beaToken)).json()) as Record<
    string,
    unknown
  >;
  assert.equal(one.status, "accepting");
  assert.equal((one.part as unknown[]).length, 1);
  assert.equal(
    (one.part as { explanation: { unit_cost: number } }[])[0]?.explanation.unit_cost,
    0.1112,
  );
  assert.equal(
    (await api("POST", `/${round.id}/answer`, { answer: "accept" }, beaToken)).status,
    403,
  );
  assert.equal(
    (
      await api(
        "POST",
        "",
        { group: "fed", title: "X", deadline: new Date(Date.now() + 86_400_000).toISOString() },
        beaToken,
      )
    ).status,
    403,
  );
  assert.equal((await api("POST", "", "not json", beaToken)).status, 422);
  assert.equal((await api("GET", "/nope", undefined, beaToken)).status, 404);
  // The Plan document is for member co-ops' signed fetches only: unsigned, it is not there.
  const unsigned = await fetch(`${node.url}${path}`, {
    headers: { accept: "application/activity+json" },
  });
  assert.equal(unsigned.status, 404);
});

test("an infeasible round shows the diagnosis; Spanish for a member who reads Spanish", async () => {
  await db()
    .updateTable("econ_proposals")
    .set({ minimum: 20_000, quantity: 20_000, available: 20_000 })
    .where("uri", "=", cNeed)
    .execute();
  const opened = await ana.post("/groups/fed/plan-rounds", {
    title: "Too much",
    deadline: inDays(2),
  });
  assert.equal(opened.status, 303);
  await sweepPlanRounds(ctx());
  const page = await (await ana.get(opened.headers.get("location") ?? "")).text();
  assert.match(page, /Why this round cannot be planned/);
  assert.match(
    page,
    /Bread for c\.example: at least 20 kg needed, at most 10 kg can arrive with the others/,
  );
  await db()
    .updateTable("accounts")
    .set({ language: "es" })
    .where("username", "=", "ana")
    .execute();
  const es = await (await ana.get(opened.headers.get("location") ?? "")).text();
  assert.match(es, /Por qué esta ronda no se puede planificar/);
  assert.match(await (await ana.get("/plan-rounds")).text(), /Rondas de planificación/);
});

test("the API takes this co-op's hours for a round; bad ones are 422 or 403 and write nothing", async () => {
  const anaRow = await db()
    .selectFrom("accounts")
    .select(["id", "username"])
    .where("username", "=", "ana")
    .executeTakeFirstOrThrow();
  const opened = await openRound(ctx(), anaRow, {
    groupId: fed.id,
    round: { title: "Hours by API", deadline: new Date(Date.now() + 3 * 86_400_000).toISOString() },
  });
  assert.ok(opened.ok);
  const id = opened.value.id;
  const cai = await memberClient(node, "cai");
  await db().updateTable("accounts").set({ role: "admin" }).where("id", "=", cai.id).execute();
  const hoursRows = async () =>
    (await db().selectFrom("plan_round_hours").selectAll().where("round_id", "=", id).execute())
      .length;
  for (const body of [
    { hours: -1 },
    { hours: "5" },
    { hours: 2_000_000 },
    { hours: 5, extra: 1 },
    "nope",
  ]) {
    const res = await api("POST", `/${id}/hours`, body, cai.token);
    assert.equal(res.status, 422, JSON.stringify(body));
  }
  assert.equal((await api("POST", `/${id}/hours`, { hours: 5 }, beaToken)).status, 403);
  assert.equal((await api("POST", "/nope/hours", { hours: 5 }, cai.token)).status, 404);
  assert.equal(await hoursRows(), 0);
  const res = await api("POST", `/${id}/hours`, { hours: 12.5 }, cai.token);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { hours: 12.5 });
  const round = (await (await api("GET", `/${id}`, undefined, cai.token)).json()) as {
    hours: number | null;
    can_state_hours: boolean;
  };
  assert.equal(round.hours, 12.5);
  assert.equal(round.can_state_hours, true);
});
