/**
 * Labour hours and minimum orders in a plan round, in a browser (127.0.237.40),
 * on a phone and on a desktop: the offer form asks for hours per unit; this
 * node's co-op (H, 1 hour a kilo) states its hours for a round on the round's
 * page (a bad number is refused with the field named, nothing written); the
 * sweep solves it: with 5 hours H sends 4 kg and B (whose minimum order is
 * 4 kg) the other 4, not 5 + 3. Screenshots at 390 px and 1280 px.
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
const ctx = () => ({
  db: node.node.db.db,
  origin: node.url,
  clock: node.node.federation.deps.clock,
});

before(async () => {
  node = await startTestNode({ host: "127.0.237.40" });
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
  const [b, c] = ["https://rye.example", "https://mill.example"].map((o) => `${o}/users/coop`) as [
    string,
    string,
  ];
  for (const uri of [b, c]) await memberCoop(db, made.value.id, uri, new Date().toISOString());
  const ours = await breadProposal(db, node.url, {
    agent: coopUri(node.url),
    groupUri,
    purpose: "offer",
    kg: 10,
    at: [40.0, -3.0],
  });
  await db
    .updateTable("econ_proposals")
    .set({ hours_per_unit: 1 })
    .where("uri", "=", ours)
    .execute();
  await breadProposal(db, node.url, {
    agent: b,
    groupUri,
    purpose: "offer",
    kg: 10,
    at: [40.5, -3.0],
    minimumKg: 4,
  });
  await breadProposal(db, node.url, {
    agent: c,
    groupUri,
    purpose: "request",
    kg: 8,
    at: [40.1, -3.0],
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

for (const mobile of [true, false]) {
  const width = mobile ? 390 : 1280;
  test(`state our hours for a round and see the plan they make at ${width} px`, async () => {
    const page = await (await newContext(browser, { mobile })).newPage();
    await logIn(page, node.url, "ana", PASSWORD);
    await page.goto(`${node.url}/economy/proposals/new`);
    assert.ok(await page.locator("#f-hoursPerUnit").isVisible());
    await screenshot(page, `plan-labour-offer-form-${width}`);

    await page.goto(`${node.url}/plan-rounds`);
    await page.locator("#f-title").fill(`Hours ${width}`);
    const due = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16);
    await page.locator("#f-deadline").fill(due);
    await page.getByRole("button", { name: "Open the round" }).click();
    await page.waitForURL(/\/plan-rounds\/[0-9a-f-]{36}$/);
    const roundUrl = page.url();
    const id = roundUrl.split("/").pop() ?? "";

    // A bad number: refused, the field named, nothing written.
    await page.locator("#f-hours").evaluate((el) => el.removeAttribute("min"));
    await page.locator("#f-hours").fill("-3");
    await page.getByRole("button", { name: "Save our hours" }).click();
    await page.waitForLoadState();
    assert.match((await page.textContent("main")) ?? "", /Give a number of hours from 0/);
    const none = await node.node.db.db
      .selectFrom("plan_round_hours")
      .selectAll()
      .where("round_id", "=", id)
      .execute();
    assert.equal(none.length, 0);
    await screenshot(page, `plan-labour-hours-refused-${width}`);

    await page.locator("#f-hours").fill("5");
    await page.getByRole("button", { name: "Save our hours" }).click();
    await page.waitForURL(/hours=1/);
    const stated = (await page.textContent("main")) ?? "";
    assert.match(stated, /Your co-op's hours are recorded/);
    assert.match(stated, /Stated: 5 h/);
    await screenshot(page, `plan-labour-hours-stated-${width}`);

    await sweepPlanRounds(ctx());
    await page.goto(roundUrl);
    const text = (await page.textContent("main")) ?? "";
    assert.match(text, /You send 4 kg of Bread to mill\.example/);
    assert.match(text, /4 kg of Bread: rye\.example → mill\.example/);
    await screenshot(page, `plan-labour-plan-${width}`);
    await page.close();
  });
}
