/**
 * Issue 19 in a browser: a member votes on a phone-width ballot page (the running
 * total follows the ticks where scripts run, under the real CSP; with scripts
 * off the same ballot is sent and the server's total shows), and the results
 * page with its chart, at phone and desktop width. Screenshots in test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { countWaitingProcesses } from "../../src/governance/budgeting/processes/counting.ts";
import { createGroup, type Group } from "../../src/groups/groups.ts";
import { joinGroup } from "../../src/groups/memberships.ts";
import { systemClock } from "../../src/kernel/clock.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { insertProcess } from "../support/budgeting-vote.ts";
import { createMember } from "../support/login.ts";
import { socialOf, startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
let group: Group;
const PASSWORD = "password123";
const ctx = () => ({ ...socialOf(node), clock: systemClock });

before(async () => {
  node = await startTestNode({ host: "127.0.191.3" });
  const ana = await createMember(node, { username: "ana", password: PASSWORD });
  const bo = await createMember(node, { username: "bo", password: PASSWORD });
  const made = await createGroup(ctx(), ana, {
    name: "hood",
    kind: "working_group",
    displayName: "Hood",
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok);
  group = made.value;
  assert.ok((await joinGroup(ctx(), bo, { group })).ok);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

test("voting on a phone, with and without scripts, then the results", async () => {
  const p = await insertProcess(node.node.db.db, node.url, new Date(), {
    group,
    over: { spending_cap: 1, max_projects: 3, title: "Hood budget 2027" },
    categories: ["Parks", "Streets", "Culture"],
    districts: [{ budget: 100_000, costs: [60_000, 35_000, 25_000, 40_000, 12_500] }],
  });
  const phone = await (await newContext(browser, { mobile: true })).newPage();
  const errors: string[] = [];
  phone.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await logIn(phone, node.url, "ana", PASSWORD);
  await phone.goto(`${node.url}/budgets/${p.id}/vote`);
  const total = phone.locator("output[data-pb-total]");
  assert.equal(await total.textContent(), "Your picks cost €0 of €1,000");
  await phone
    .getByLabel(/Project 1\.2/)
    .first()
    .check();
  await phone
    .getByLabel(/Project 1\.3/)
    .first()
    .check();
  assert.equal(
    await total.textContent(),
    "Your picks cost €600 of €1,000",
    "the script keeps the total",
  );
  await phone
    .getByLabel(/Project 1\.1/)
    .first()
    .check();
  assert.match((await total.textContent()) ?? "", /€1,200 of €1,000 \(over the budget\)/);
  await screenshot(phone, "budgeting-ballot-phone-over");
  await phone.getByRole("button", { name: "Send my ballot" }).click();
  await phone.waitForLoadState();
  assert.match((await phone.locator(".errors").textContent()) ?? "", /cost more than the budget/);
  await phone
    .getByLabel(/Project 1\.1/)
    .first()
    .uncheck();
  await phone.getByRole("button", { name: "Send my ballot" }).click();
  await phone.waitForURL(/saved=1/);
  await screenshot(phone, "budgeting-ballot-phone-saved");
  // (The 422 answer above logs as a failed load; only a refused or broken script matters.)
  assert.deepEqual(
    errors.filter((e) => /Content Security Policy|Refused|pb-ballot/.test(e)),
    [],
    "no CSP or script errors",
  );

  const noScript = await (
    await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } })
  ).newPage();
  await logIn(noScript, node.url, "bo", PASSWORD);
  await noScript.goto(`${node.url}/budgets/${p.id}/vote`);
  await noScript
    .getByLabel(/Project 1\.1/)
    .first()
    .check();
  await noScript.getByRole("button", { name: "Send my ballot" }).click();
  await noScript.waitForURL(/saved=1/);
  assert.equal(
    await noScript.locator("output[data-pb-total]").textContent(),
    "Your picks cost €600 of €1,000",
  );

  await node.node.db.db
    .updateTable("pb_processes")
    .set({ phase: "results" })
    .where("id", "=", p.id)
    .execute();
  await countWaitingProcesses(ctx());
  await phone.goto(`${node.url}/budgets/${p.id}/results`);
  assert.match((await phone.locator("main").textContent()) ?? "", /Funded projects/);
  await screenshot(phone, "budgeting-results-phone");
  const desk = await (await newContext(browser)).newPage();
  await desk.goto(`${node.url}/budgets/${p.id}/results`);
  await screenshot(desk, "budgeting-results-desktop");
});
