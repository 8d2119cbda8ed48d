/**
 * Issue 19, the participatory budgeting pages through the process lifecycle:
 * opening a process in a group (bad input → 422, nothing written), proposing
 * with a picture from the proposer's library, the review page (moderators
 * only; feasibility with a public note, cost adjusted), moving phases with the
 * members notified, reports and hiding, progress on a funded project; a
 * visitor sees nothing of a members-only group's budget.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { districtsOf, projectsOf } from "../src/governance/budgeting/processes/reads.ts";
import { createGroup } from "../src/groups/groups.ts";
import { joinGroup } from "../src/groups/memberships.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ada: SignedIn; // the group's admin: runs the budget
let bea: SignedIn; // a member of the group
let out: SignedIn; // a member of the node, not of the group
const PASSWORD = "password123";

const db = () => node.node.db.db;
const count = async (table: "pb_processes" | "pb_projects" | "pb_progress_updates" | "reports") =>
  Number(
    (await db().selectFrom(table).select(db().fn.countAll().as("n")).executeTakeFirstOrThrow()).n,
  );
const ctx = () => ({ db: db() });
const png = () =>
  sharp({ create: { width: 12, height: 8, channels: 3, background: "#3a7" } })
    .png()
    .toBuffer();

before(async () => {
  node = await startTestNode({ host: "127.0.191.1" });
  const adaRow = await createMember(node, { username: "ada", password: PASSWORD });
  const beaRow = await createMember(node, { username: "bea", password: PASSWORD });
  await createMember(node, { username: "out", password: PASSWORD });
  ada = await signIn(node, "ada", PASSWORD);
  bea = await signIn(node, "bea", PASSWORD);
  out = await signIn(node, "out", PASSWORD);
  const social = { ...socialOf(node), clock: systemClock };
  const made = await createGroup(social, adaRow, {
    name: "barrio",
    kind: "working_group",
    displayName: "Barrio",
    visibility: "members",
    moderated: false,
  });
  assert.ok(made.ok);
  assert.ok((await joinGroup(social, beaRow, { group: made.value })).ok);
});
after(() => node?.close());

const processForm = (over: Record<string, string> = {}) => ({
  title: "Barrio budget 2027",
  description: "Ideas for the neighbourhood.",
  districts: "North: 1000\nSouth: 500.50",
  categories: "Parks\nCulture",
  currency: "EUR",
  rule: "mes-add1",
  ballotKind: "approval",
  spendingCap: "1",
  secrecy: "named",
  ...over,
});

let processId = "";

test("opening a budget: moderators only; bad input re-renders with 422 and writes nothing", async () => {
  assert.equal((await bea.get("/budgets/new?group=barrio")).status, 403);
  const form = await ada.get("/budgets/new?group=barrio");
  assert.equal(form.status, 200);
  assert.match(await form.text(), /name="districts"/);
  const before = await count("pb_processes");
  const bads: Record<string, string>[] = [
    { title: "" },
    { districts: "" },
    { districts: "North 1000" },
    { districts: "North: 10\nNorth: 20" },
    { districts: "North: -5" },
    { ballotKind: "cumulative" },
    { minProjects: "5", maxProjects: "2" },
    { proposingEndsAt: "2001-01-01T00:00" },
  ];
  for (const bad of bads) {
    const res = await ada.post("/budgets?group=barrio", processForm(bad));
    assert.equal(res.status, 422, JSON.stringify(bad));
    assert.match(await res.text(), /class="errors"/);
  }
  assert.equal((await bea.post("/budgets?group=barrio", processForm())).status, 403);
  assert.equal(await count("pb_processes"), before);
  const made = await ada.post("/budgets?group=barrio", processForm());
  assert.equal(made.status, 303);
  processId = (made.headers.get("location") ?? "").split("/").pop() ?? "";
  const page = await (await bea.get(`/budgets/${processId}`)).text();
  assert.match(page, /Barrio budget 2027/);
  assert.match(page, /aria-current="step">Proposing/);
  assert.match(page, /href="\/budgets\/[^"]+\/propose"/);
  const districts = await districtsOf(ctx(), processId);
  assert.deepEqual(
    districts.map((d) => [d.name, Number(d.budget)]),
    [
      ["North", 100_000],
      ["South", 50_050],
    ],
  );
  // Not for a visitor, nor for a member of the node outside this members-only group.
  const anon = await fetch(`${node.url}/budgets/${processId}`);
  assert.equal(anon.status, 404);
  assert.equal((await out.get(`/budgets/${processId}`)).status, 404);
  assert.equal((await out.get(`/budgets/${processId}/propose`)).status, 404);
  assert.doesNotMatch(await (await out.get("/budgets")).text(), /Barrio budget 2027/);
  assert.match(await (await bea.get("/budgets")).text(), /Barrio budget 2027/);
});

let benchesId = "";
let poolId = "";

test("proposing: bad input gives 422 and writes nothing; a picture goes to the proposer's library", async () => {
  const [north] = await districtsOf(ctx(), processId);
  assert.ok(north);
  const before = await count("pb_projects");
  for (const bad of [
    { title: "", description: "x", cost: "10" },
    { title: "x", description: "", cost: "10" },
    { title: "x", description: "x", cost: "ten" },
    { title: "x", description: "x", cost: "1000.01" }, // above North's budget
    { title: "x", description: "x", cost: "10", latitude: "40.4" }, // no longitude
    { title: "x", description: "x", cost: "10", latitude: "91", longitude: "0" },
    { title: "x", description: "x", cost: "10", latitude: "40", longitude: "east" },
  ]) {
    const fd = new FormData();
    for (const [k, v] of Object.entries({ ...bad, districtId: north.id })) fd.set(k, v);
    const res = await bea.postMultipart(`/budgets/${processId}/propose`, fd);
    assert.equal(res.status, 422, JSON.stringify(bad));
  }
  assert.equal(await count("pb_projects"), before);
  const fd = new FormData();
  fd.set("title", "Benches by the river");
  fd.set("description", "Six benches along the path.");
  fd.set("cost", "300");
  fd.set("districtId", north.id);
  fd.set("location", "River path");
  fd.set("latitude", "40.4168");
  fd.set("longitude", "-3.7038");
  fd.set("imageAlt", "A green rectangle");
  fd.set("image", new Blob([new Uint8Array(await png())], { type: "image/png" }), "b.png");
  const made = await bea.postMultipart(`/budgets/${processId}/propose`, fd);
  assert.equal(made.status, 303, await made.text());
  const to = made.headers.get("location") ?? "";
  benchesId = to.split("?")[0]?.split("/").pop() ?? "";
  const page = await (await bea.get(to)).text();
  assert.match(page, /Benches by the river/);
  assert.match(page, /<img src="\/media\/[^"]+\.webp" alt="A green rectangle"/);
  assert.match(page, /€300\.00/);
  const pool = () => {
    const form = new FormData();
    form.set("title", "A pool");
    form.set("description", "A swimming pool.");
    form.set("cost", "900");
    form.set("districtId", north.id);
    form.set("latitude", "40,4201");
    form.set("longitude", "-3.6950");
    return form;
  };
  const p2 = await bea.postMultipart(`/budgets/${processId}/propose`, pool());
  assert.equal(p2.status, 303);
  poolId = (p2.headers.get("location") ?? "").split("?")[0]?.split("/").pop() ?? "";
  // Someone outside the group cannot propose.
  assert.equal((await out.postMultipart(`/budgets/${processId}/propose`, pool())).status, 404);
  // The map: a marker per project with coordinates, numbered as the list with their links.
  const process = await (await bea.get(`/budgets/${processId}`)).text();
  const map = process.slice(process.indexOf('class="pb-map"'));
  assert.ok(map.length > 0 && process.includes('aria-labelledby="pb-map"'), "the map's section");
  assert.equal((map.match(/<circle /g) ?? []).length, 2);
  assert.match(
    map,
    /<ol class="pb-map-list"><li><a href="\/budgets\/[^"]+\/projects\/[^"]+">Benches by the river<\/a> — River path/,
  );
  assert.match(map, /latitude 40\.4168, longitude -3\.7038/);
  assert.match(map, /latitude 40\.4201, longitude -3\.695\b/);
  // Both markers inside the drawing.
  for (const [, x, y] of map.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)) {
    assert.ok(Number(x) > 0 && Number(x) < 480 && Number(y) > 0 && Number(y) < 320, `${x},${y}`);
  }
});

test("review: moderators only; a refusal needs a note; the note is public; the author is told", async () => {
  assert.equal((await bea.get(`/budgets/${processId}/review`)).status, 403);
  const review = await (await ada.get(`/budgets/${processId}/review`)).text();
  assert.match(review, /Benches by the river/);
  assert.match(review, /2 proposals are still waiting for review/);
  const refused = await ada.post(`/budgets/${processId}/projects/${poolId}/review`, {
    verdict: "infeasible",
    note: "",
    title: "A pool",
    cost: "900",
  });
  assert.equal(refused.status, 422);
  assert.equal(
    (
      await bea.post(`/budgets/${processId}/projects/${benchesId}/review`, {
        verdict: "feasible",
        note: "",
        title: "x",
        cost: "1",
      })
    ).status,
    403,
  );
  for (const [id, form] of [
    [
      poolId,
      { verdict: "infeasible", note: "The land is not ours.", title: "A pool", cost: "900" },
    ],
    [
      benchesId,
      {
        verdict: "feasible",
        note: "Priced at the quote.",
        title: "Benches by the river",
        cost: "280",
      },
    ],
  ] as const) {
    const res = await ada.post(`/budgets/${processId}/projects/${id}/review`, form);
    assert.equal(res.status, 303);
  }
  const page = await (await out.get("/notifications")).text();
  assert.doesNotMatch(page, /reviewed your proposal/);
  const beaNotices = await (await bea.get("/notifications")).text();
  assert.match(beaNotices, /A moderator reviewed your proposal/);
  const pool = await (await bea.get(`/budgets/${processId}/projects/${poolId}`)).text();
  assert.match(pool, /Not feasible/);
  assert.match(pool, /The land is not ours\./);
  assert.match(
    await (await bea.get(`/budgets/${processId}/projects/${benchesId}`)).text(),
    /€280\.00/,
  );
});

test("reports reach the review page; hiding takes a project off the lists", async () => {
  const before = await count("reports");
  assert.equal(
    (await bea.post(`/budgets/${processId}/projects/${poolId}/report`, { comment: "" })).status,
    422,
  );
  assert.equal(await count("reports"), before);
  assert.equal(
    (await bea.post(`/budgets/${processId}/projects/${poolId}/report`, { comment: "Spam." }))
      .status,
    303,
  );
  assert.match(await (await ada.get(`/budgets/${processId}/review`)).text(), /Spam\./);
  assert.equal(
    (await bea.post(`/budgets/${processId}/projects/${poolId}/hide`, { hidden: "1" })).status,
    403,
  );
  assert.equal(
    (await ada.post(`/budgets/${processId}/projects/${poolId}/hide`, { hidden: "1" })).status,
    303,
  );
  assert.equal((await bea.get(`/budgets/${processId}/projects/${poolId}`)).status, 404);
  assert.doesNotMatch(await (await bea.get(`/budgets/${processId}`)).text(), /A pool/);
  assert.doesNotMatch(await (await ada.get(`/budgets/${processId}/review`)).text(), /Spam\./);
});

test("phases move on by a moderator's button; members are notified; progress on a funded project", async () => {
  assert.equal((await bea.post(`/budgets/${processId}/phase`, { to: "review" })).status, 403);
  assert.equal((await ada.post(`/budgets/${processId}/phase`, { to: "voting" })).status, 409);
  for (const to of ["review", "voting", "results"]) {
    const res = await ada.post(`/budgets/${processId}/phase`, { to });
    assert.equal(res.status, 303, to);
  }
  const notices = await (await bea.get("/notifications")).text();
  assert.match(notices, /A participatory budget you take part in moved on/);
  assert.doesNotMatch(
    await (await out.get("/notifications")).text(),
    /participatory budget you take part in/,
  );
  // Implementation waits for the count.
  assert.equal(
    (await ada.post(`/budgets/${processId}/phase`, { to: "implementation" })).status,
    409,
  );
  // What the worker's count stores (pbvote's counting.ts): the benches funded in North.
  const districts = await districtsOf(ctx(), processId);
  for (const d of districts)
    await db()
      .insertInto("pb_results")
      .values({
        process_id: processId,
        district_id: d.id,
        result: JSON.stringify({ selected: d.name === "North" ? [benchesId] : [] }),
        greedy: JSON.stringify({ selected: [] }),
        ballots_count: 1,
        computed_at: new Date().toISOString(),
      })
      .execute();
  assert.equal(
    (await ada.post(`/budgets/${processId}/phase`, { to: "implementation" })).status,
    303,
  );
  const before = await count("pb_progress_updates");
  const bad = new FormData();
  bad.set("progress", "140");
  bad.set("body", "Too far.");
  assert.equal(
    (await ada.postMultipart(`/budgets/${processId}/projects/${benchesId}/progress`, bad)).status,
    422,
  );
  const update = () => {
    const form = new FormData();
    form.set("progress", "40");
    form.set("body", "Four benches are in.");
    return form;
  };
  assert.equal(
    (await bea.postMultipart(`/budgets/${processId}/projects/${benchesId}/progress`, update()))
      .status,
    403,
  );
  assert.equal(await count("pb_progress_updates"), before);
  const res = await ada.postMultipart(
    `/budgets/${processId}/projects/${benchesId}/progress`,
    update(),
  );
  assert.equal(res.status, 303);
  const page = await (await bea.get(`/budgets/${processId}/projects/${benchesId}`)).text();
  assert.match(page, /Four benches are in\./);
  assert.match(page, /<progress max="100" value="40"/);
  const list = await (await bea.get(`/budgets/${processId}`)).text();
  assert.match(list, /aria-current="step">Implementation/);
  assert.deepEqual(
    (await projectsOf(ctx(), processId, { statuses: ["feasible"] })).map((p) => p.progress),
    [40],
  );
});

test("the pages speak Spanish", async () => {
  const res = await fetch(`${node.url}/budgets`, { headers: { "accept-language": "es" } });
  const page = await res.text();
  assert.match(page, /Presupuestos participativos/);
  // The only budget is a members-only group's: a visitor sees none.
  assert.match(page, /Aún no hay presupuestos participativos/);
});
