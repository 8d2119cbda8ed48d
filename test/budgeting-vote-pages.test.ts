/**
 * Issue 19, the ballot, results and import pages on a real node: a member votes
 * from the ballot page (bad ballots → 422 with the problem, nothing written),
 * changes the ballot, sees the running total drawn by the server; a non-member
 * is refused; a secret ballot's receipt is shown once; the results page shows
 * what the worker counted (winners, why, the chart and its table, greedy) and
 * the .pb export; a moderator loads a real Pabulib election and its recount
 * shows the official winners. SQLite or PostgreSQL (TEST_DATABASE_URL).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { readPb } from "../src/governance/budgeting/pabulib.ts";
import { countWaitingProcesses } from "../src/governance/budgeting/processes/counting.ts";
import { createGroup, type Group } from "../src/groups/groups.ts";
import { joinGroup } from "../src/groups/memberships.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { insertProcess } from "./support/budgeting-vote.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ada: SignedIn; // the group's admin
let bea: SignedIn; // a member
let out: SignedIn; // not a member
let group: Group;
const PASSWORD = "password123";
const db = () => node.node.db.db;
const ctx = () => ({ ...socialOf(node), clock: systemClock });
const rows = async () => ({
  ballots: await db().selectFrom("pb_ballots").selectAll().execute(),
  secret: await db().selectFrom("pb_secret_ballots").selectAll().execute(),
  voters: await db().selectFrom("pb_voters").selectAll().execute(),
});

before(async () => {
  node = await startTestNode({ host: "127.0.191.1" });
  const adaRow = await createMember(node, { username: "ada", password: PASSWORD });
  const beaRow = await createMember(node, { username: "bea", password: PASSWORD });
  await createMember(node, { username: "out", password: PASSWORD });
  ada = await signIn(node, "ada", PASSWORD);
  bea = await signIn(node, "bea", PASSWORD);
  out = await signIn(node, "out", PASSWORD);
  const made = await createGroup(ctx(), adaRow, {
    name: "hood",
    kind: "working_group",
    displayName: "Hood",
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok);
  group = made.value;
  assert.ok((await joinGroup(ctx(), beaRow, { group })).ok);
});
after(() => node?.close());

const newProcess = (over: Parameters<typeof insertProcess>[3]["over"] = {}) =>
  insertProcess(db(), node.url, new Date(), {
    group,
    over: { spending_cap: 1, max_projects: 2, ...over },
    categories: ["Parks", "Streets"],
    districts: [{ budget: 100_000, costs: [60_000, 50_000, 40_000] }],
  });

test("the ballot page: vote, bad ballots refused with 422 and nothing written, change, non-members refused", async () => {
  const p = await newProcess();
  const [d] = p.districts;
  assert.ok(d);
  const [a, b, c] = d.projects as [string, string, string];
  const page = await bea.get(`/budgets/${p.id}/vote`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, new RegExp(`type="checkbox" name="project" value="${a}" data-cost="60000"`));
  assert.match(html, /<output data-pb-total="1"[^>]*>Your picks cost €0 of €1,000<\/output>/);
  assert.match(html, /<script src="\/static\/pb-ballot\.[\w-]+\.js" defer><\/script>/);
  const script = await bea.get(html.match(/\/static\/pb-ballot\.[\w-]+\.js/)?.[0] as string);
  assert.equal(script.status, 200);
  assert.match(script.headers.get("content-type") ?? "", /javascript/);

  const before = await rows();
  const bad = async (form: URLSearchParams, status: number, text: RegExp) => {
    form.set("_csrf", bea.csrf);
    const res = await fetch(`${node.url}/budgets/${p.id}/vote`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: bea.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
    assert.equal(res.status, status);
    assert.match(await res.text(), text);
  };
  const form = (...projects: string[]) =>
    new URLSearchParams([
      ["district", d.id],
      ...projects.map((x): [string, string] => ["project", x]),
    ]);
  await bad(form(a, b), 422, /cost more than the budget/);
  await bad(form(a, b, c), 422, /Pick fewer projects/);
  await bad(form(), 422, /Pick at least one project/);
  await bad(form("not-a-project"), 422, /not in this district/);
  await bad(
    new URLSearchParams([
      ["district", "elsewhere"],
      ["project", a],
    ]),
    404,
    /not part of the process/,
  );
  const proto = form(a);
  proto.set("__proto__", "x");
  await bad(proto, 400, /./);
  // After the refused ones, a valid ballot is written once.
  const again = await bea.post(`/budgets/${p.id}/vote`, { district: d.id, project: c });
  assert.equal(again.status, 303);
  assert.deepEqual((await rows()).ballots.length, before.ballots.length + 1);

  const outsider = await out.post(`/budgets/${p.id}/vote`, { district: d.id, project: a });
  assert.equal(outsider.status, 403);
  assert.match(await outsider.text(), /not among the people who vote/);

  const ok = await bea.post(`/budgets/${p.id}/vote`, { district: d.id, project: b });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get("location"), `/budgets/${p.id}/vote?district=${d.id}&saved=1`);
  const shown = await (await bea.get(ok.headers.get("location") as string)).text();
  assert.match(shown, /Your ballot was saved/);
  assert.match(shown, new RegExp(`value="${b}" data-cost="50000" checked`));
  assert.match(shown, /Your picks cost €500 of €1,000/);
  const mine = await db()
    .selectFrom("pb_ballots")
    .selectAll()
    .where("process_id", "=", p.id)
    .execute();
  assert.equal(mine.length, 1);
  assert.deepEqual(JSON.parse(mine[0]?.choices as string), { [b]: 1 });

  await db().updateTable("pb_processes").set({ phase: "results" }).where("id", "=", p.id).execute();
  const closed = await bea.post(`/budgets/${p.id}/vote`, { district: d.id, project: a });
  assert.equal(closed.status, 409);
});

test("a secret ballot's receipt is shown once, never stored; changing needs it", async () => {
  const p = await newProcess({ secrecy: "secret" });
  const [d] = p.districts;
  assert.ok(d);
  const [a, b] = d.projects as [string, string];
  const cast = await bea.post(`/budgets/${p.id}/vote`, { district: d.id, project: a });
  assert.equal(cast.status, 200);
  const receipt = (await cast.text()).match(/<p class="pb-receipt">([\w-]{43})<\/p>/)?.[1];
  assert.ok(receipt);
  assert.ok(!JSON.stringify(await rows()).includes(receipt));
  const page = await (await bea.get(`/budgets/${p.id}/vote`)).text();
  assert.match(page, /You have voted in secret/);
  assert.doesNotMatch(page, /checked/, "a secret ballot is not shown back");
  const before = await rows();
  const noReceipt = await bea.post(`/budgets/${p.id}/vote`, { district: d.id, project: b });
  assert.equal(noReceipt.status, 422);
  assert.deepEqual(await rows(), before);
  const changed = await bea.post(`/budgets/${p.id}/vote`, { district: d.id, project: b, receipt });
  assert.equal(changed.status, 303);
});

test("results: waiting for the worker, then winners, why, the chart with its table, greedy and the export", async () => {
  const p = await newProcess({ spending_cap: 0, max_projects: null });
  const [d] = p.districts;
  assert.ok(d);
  const [a, b, c] = d.projects as [string, string, string];
  assert.equal(
    (await bea.post(`/budgets/${p.id}/vote`, { district: d.id, project: [a, b].join() })).status,
    422,
  );
  const vote = (who: SignedIn, ...projects: string[]) => {
    const form = new URLSearchParams([
      ["_csrf", who.csrf],
      ["district", d.id],
      ...projects.map((x): [string, string] => ["project", x]),
    ]);
    return fetch(`${node.url}/budgets/${p.id}/vote`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: who.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
  };
  assert.equal((await vote(bea, a, b)).status, 303);
  assert.equal((await vote(ada, c)).status, 303);
  const early = await out.get(`/budgets/${p.id}/results`);
  assert.match(await early.text(), /published once voting closes/);
  await db().updateTable("pb_processes").set({ phase: "results" }).where("id", "=", p.id).execute();
  assert.match(await (await out.get(`/budgets/${p.id}/results`)).text(), /being counted/);
  assert.ok((await countWaitingProcesses(ctx())).counted >= 1);
  const res = await out.get(`/budgets/${p.id}/results`);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /2 ballots · €900 spent of €1,000/);
  assert.match(html, /<svg class="stacked" aria-hidden="true"/);
  assert.match(html, /<caption>Money funded per category<\/caption>/);
  assert.match(html, /Paid by its one supporter, €[\d,]+\./);
  assert.match(html, /Projects not funded/);
  assert.match(html, /would have won costing/);
  assert.match(html, /Compared with most votes first/);
  const link = html.match(/href="(\/budgets\/[^"]+\/export\.pb)"/)?.[1];
  assert.ok(link);
  const file = await out.get(link);
  assert.equal(file.status, 200);
  assert.equal(readPb(await file.text()).ballots.length, 2);
});

test("import: a moderator loads Assen 2024; the recount shows its official winners; others and bad files are refused", async () => {
  const text = readFileSync(
    new URL("../src/governance/budgeting/fixtures/Netherlands_Assen_2024.pb", import.meta.url),
    "utf8",
  );
  const count = async () => (await db().selectFrom("pb_processes").select("id").execute()).length;
  const before = await count();
  const upload = (who: SignedIn, body: string, groupName = "hood") => {
    const form = new FormData();
    form.set("group", groupName);
    form.set("file", new File([body], "assen.pb", { type: "text/plain" }));
    return who.postMultipart("/budgets/import", form);
  };
  assert.equal((await upload(bea, text)).status, 403);
  const garbage = await upload(ada, "META\nkey;value\nbudget;x\n");
  assert.equal(garbage.status, 422);
  assert.match(await garbage.text(), /could not be read: line/);
  assert.equal((await upload(ada, text, "nowhere")).status, 422);
  assert.equal(await count(), before);
  const page = await ada.get("/budgets/import?group=hood");
  assert.equal(page.status, 200);
  assert.match(await page.text(), /enctype="multipart\/form-data"/);
  const done = await upload(ada, text);
  assert.equal(done.status, 303);
  const to = done.headers.get("location") as string;
  assert.match(to, /^\/budgets\/[\w-]+\/results$/);
  await countWaitingProcesses(ctx());
  const html = await (await bea.get(to)).text();
  assert.match(html, /A past election loaded from a Pabulib file/);
  const funded = html.split("Projects not funded")[0] ?? "";
  const official = readPb(text);
  const names = new Map(official.projects.map((x) => [x.id, x.name]));
  const selected = text
    .split("\n")
    .filter((l) => /^\d+;\d+;\d+;.*;1;/.test(l))
    .map((l) => l.split(";")[0] as string);
  assert.ok(selected.length > 0);
  for (const id of selected) assert.ok(funded.includes(names.get(id) as string), names.get(id));
});
