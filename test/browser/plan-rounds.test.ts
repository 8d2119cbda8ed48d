/**
 * A plan round in a browser (127.0.218.30), on a phone and on a desktop: the
 * federation's moderator opens a round with the form, the worker's sweep
 * solves it, the co-op's part reads as sentences with the reasons, one
 * commitment is ticked and rejected with a note, and an infeasible round shows
 * which needs cannot be met together. Screenshots at 390 px and 1280 px.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { sweepPlanRounds } from "../../src/economy/plan-rounds/sweep.ts";
import { joinWithOurCoop } from "../../src/groups/federations.ts";
import { createGroup } from "../../src/groups/groups.ts";
import { coopUri } from "../../src/kernel/uris.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { socialOf, startTestNode, type TestNode } from "../support/node.ts";
import { breadProposal, memberCoop } from "../support/plan-rounds.ts";

let node: TestNode;
let browser: Browser;
const PASSWORD = "password123";
const FLOUR = "https://specs.example/flour";
const ctx = () => ({
  db: node.node.db.db,
  origin: node.url,
  clock: node.node.federation.deps.clock,
});

before(async () => {
  node = await startTestNode({ host: "127.0.218.30" });
  const ana = await createMember(node, { username: "ana", password: PASSWORD, role: "admin" });
  const made = await createGroup(socialOf(node), ana, {
    name: "fed",
    kind: "federation",
    displayName: "Bakers' federation",
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok);
  assert.ok((await joinWithOurCoop(socialOf(node), ana, { group: made.value })).ok);
  const db = node.node.db.db;
  const groupUri = `${node.url}/groups/fed`;
  const [b, c, d] = ["https://rye.example", "https://mill.example", "https://oven.example"].map(
    (o) => `${o}/users/coop`,
  ) as [string, string, string];
  for (const uri of [b, c, d]) await memberCoop(db, made.value.id, uri, new Date().toISOString());
  const h = coopUri(node.url);
  const p = (
    agent: string,
    purpose: "offer" | "request",
    kg: number,
    at: [number, number],
    spec?: string,
  ) =>
    breadProposal(db, node.url, {
      agent,
      groupUri,
      purpose,
      kg,
      at,
      ...(spec ? { spec, name: "Flour" } : {}),
    });
  await p(h, "offer", 10, [40.0, -3.0]);
  await p(h, "offer", 5, [40.0, -3.0], FLOUR);
  await p(b, "offer", 10, [40.3, -3.2]);
  await p(c, "request", 8, [40.1, -3.0]);
  await p(c, "request", 5, [40.1, -3.0], FLOUR);
  await p(d, "request", 6, [40.05, -3.1]);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

for (const mobile of [true, false]) {
  const width = mobile ? 390 : 1280;
  test(`open, read and answer a round at ${width} px`, async () => {
    const page = await (await newContext(browser, { mobile })).newPage();
    await logIn(page, node.url, "ana", PASSWORD);
    await page.goto(`${node.url}/plan-rounds`);
    await page.locator("#f-title").fill(`Week ${width}`);
    const due = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16);
    await page.locator("#f-deadline").fill(due);
    await screenshot(page, `plan-rounds-list-${width}`);
    await page.getByRole("button", { name: "Open the round" }).click();
    await page.waitForURL(/\/plan-rounds\/[0-9a-f-]{36}$/);
    assert.match((await page.textContent("main")) ?? "", /Waiting for the solver/);
    await sweepPlanRounds(ctx());
    await page.reload();
    const text = (await page.textContent("main")) ?? "";
    assert.match(text, /You send 5 kg of Flour to mill\.example/);
    assert.match(text, /Carrying it costs/);
    await screenshot(page, `plan-rounds-part-${width}`);
    await page.locator("input[name=rejected]").first().check();
    await page.locator("#f-note").fill("Our van is in the garage that day.");
    await page.getByRole("button", { name: "Reject", exact: true }).click();
    await page.waitForURL(/answered=1/);
    assert.match((await page.textContent("main")) ?? "", /Your co-op answered: rejected/);
    await screenshot(page, `plan-rounds-answered-${width}`);
    await page.close();
  });
}

test("an infeasible round shows the diagnosis (1280 px and 390 px)", async () => {
  await node.node.db.db
    .updateTable("econ_proposals")
    .set({ minimum: 30_000, quantity: 30_000, available: 30_000 })
    .where("agent_uri", "=", "https://oven.example/users/coop")
    .execute();
  const page = await (await newContext(browser, {})).newPage();
  await logIn(page, node.url, "ana", PASSWORD);
  await page.goto(`${node.url}/plan-rounds`);
  await page.locator("#f-title").fill("Too much bread");
  await page
    .locator("#f-deadline")
    .fill(new Date(Date.now() + 86_400_000).toISOString().slice(0, 16));
  await page.getByRole("button", { name: "Open the round" }).click();
  await page.waitForURL(/\/plan-rounds\/[0-9a-f-]{36}$/);
  await sweepPlanRounds(ctx());
  await page.reload();
  assert.match((await page.textContent("main")) ?? "", /Why this round cannot be planned/);
  await screenshot(page, "plan-rounds-infeasible-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "plan-rounds-infeasible-390");
});
