/**
 * Issue 18, a full consent proposal in a real browser, with no script on the
 * page: a member proposes from the group's page → another discusses (a reply in
 * the thread) → votes Block without a reason (refused, the error by the field),
 * then with one → the proposer amends (the round's votes are cleared) → everyone
 * agrees → a moderator closes it: passed → the outcome and review date are
 * written and shown. Screenshots at 390 px and 1280 px go to test-results/ and
 * /tmp/shots/dweb/.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { createGroup } from "../../src/groups/groups.ts";
import { joinGroup } from "../../src/groups/memberships.ts";
import { systemClock } from "../../src/kernel/clock.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { socialOf, startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
const PASSWORD = "password123";
const SHOTS = "/tmp/shots/dweb";

async function shot(page: Page, name: string) {
  await screenshot(page, name);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

before(async () => {
  node = await startTestNode({ host: "127.0.183.1" });
  const ana = await createMember(node, { username: "ana", password: PASSWORD });
  const bo = await createMember(node, { username: "bo", password: PASSWORD });
  const cy = await createMember(node, { username: "cy", password: PASSWORD });
  const ctx = { ...socialOf(node), clock: systemClock };
  const made = await createGroup(ctx, ana, {
    name: "garden",
    kind: "working_group",
    displayName: "Community garden",
    visibility: "members",
    moderated: false,
  });
  assert.ok(made.ok);
  for (const m of [bo, cy]) assert.ok((await joinGroup(ctx, m, { group: made.value })).ok);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

async function member(username: string, mobile: boolean): Promise<Page> {
  const page = await (await newContext(browser, { mobile })).newPage();
  await logIn(page, node.url, username, PASSWORD);
  return page;
}

const vote = async (page: Page, position: string, reason = "") => {
  await page.getByLabel(position, { exact: true }).check();
  if (reason) await page.getByLabel("Reason", { exact: true }).fill(reason);
  await page.getByRole("button", { name: /^(Vote|Change my vote)$/ }).click();
};

test("propose → discuss → block needs a reason → amend → pass → outcome", async () => {
  // ana proposes, from the group's page (desktop).
  const ana = await member("ana", false);
  await ana.goto(`${node.url}/groups/garden`);
  await ana.getByRole("link", { name: "Start a decision" }).click();
  await ana.getByLabel("Question or proposal").fill("Plant a fruit hedge along the fence");
  await ana
    .getByLabel("Explanation", { exact: true })
    .fill("Currants and gooseberries: food for us, shelter for birds.");
  await ana.getByLabel("Consent: blocks that stop it").fill("1");
  await shot(ana, "decisions-start-1280");
  await ana.getByRole("button", { name: "Start the decision" }).click();
  await ana.waitForURL(/\/groups\/garden\/threads\//);
  const threadUrl = ana.url().split("#")[0] ?? "";
  assert.match((await ana.locator("section.decision h2").textContent()) ?? "", /fruit hedge/);

  // bo, on a phone, finds it waiting for him and discusses it.
  const bo = await member("bo", true);
  await bo.goto(`${node.url}/decisions`);
  await shot(bo, "decisions-waiting-390");
  await bo
    .locator("#waiting ~ ul")
    .getByRole("link", { name: "Plant a fruit hedge along the fence" })
    .click();
  await bo.waitForURL(/\/threads\//);
  await bo.getByLabel("What do you want to say?").fill("Gooseberry thorns near the kids' corner?");
  await bo.getByRole("button", { name: "Reply" }).click();
  await bo.waitForURL(/\/threads\//);
  assert.match((await bo.locator(".group-thread").textContent()) ?? "", /Gooseberry thorns/);

  // He blocks without saying why: refused, the error by the reason field.
  await vote(bo, "Block");
  const error = bo.locator("#e-reason");
  await error.waitFor();
  assert.match((await error.textContent()) ?? "", /Say why you disagree or block/);
  assert.equal(await bo.getByLabel("Reason", { exact: true }).getAttribute("aria-invalid"), "true");
  await shot(bo, "decisions-block-error-390");
  await vote(bo, "Block", "Thorny bushes by the children's corner are a hazard.");
  await bo.waitForURL(/\/threads\//);
  await bo.locator("text=You have voted").first().waitFor();
  assert.match((await bo.locator(".decision-voters").textContent()) ?? "", /children's corner/);
  await shot(bo, "decisions-blocked-390");

  // ana amends: currants only. The block was on other words, so votes start again.
  await ana.goto(threadUrl);
  await ana.getByRole("link", { name: "Amend the decision" }).click();
  await ana.getByLabel("Question or proposal").fill("Plant a currant hedge along the fence");
  await ana
    .getByLabel("Explanation", { exact: true })
    .fill("Currants only, no thorns: food for us, shelter for birds.");
  await ana.getByRole("button", { name: "Save the amendment" }).click();
  await ana.waitForURL(/\/threads\//);
  await ana.locator("text=The decision is amended.").waitFor();
  assert.match((await ana.locator(".decision-meta").textContent()) ?? "", /Votes: 0 of 3/);

  // Everyone agrees.
  await vote(ana, "Agree");
  await ana.waitForURL(/\/threads\//);
  await bo.goto(threadUrl);
  await vote(bo, "Agree");
  await bo.waitForURL(/\/threads\//);
  const cy = await member("cy", true);
  await cy.goto(threadUrl);
  await vote(cy, "Agree");
  await cy.waitForURL(/\/threads\//);

  // ana (the group's admin) closes it: passed. Then the outcome.
  await ana.goto(threadUrl);
  await ana.getByRole("button", { name: "Close now" }).click();
  await ana.waitForURL(/\/threads\//);
  assert.match((await ana.locator(".decision-tally").textContent()) ?? "", /Passed/);
  await ana.getByRole("link", { name: "Write the outcome" }).click();
  await ana.getByLabel("What was decided").fill("We plant a currant hedge in March; Bo leads.");
  await ana.getByLabel("Review on (date, optional)").fill("2027-09-01");
  await ana.getByRole("button", { name: "Publish the outcome" }).click();
  await ana.waitForURL(/\/threads\//);
  const outcome = ana.locator(".decision-outcome");
  assert.match((await outcome.textContent()) ?? "", /currant hedge in March/);
  assert.match((await outcome.textContent()) ?? "", /2027-09-01/);
  await shot(ana, "decisions-outcome-1280");

  await cy.goto(threadUrl);
  assert.match(
    (await cy.locator(".decision-outcome").textContent()) ?? "",
    /currant hedge in March/,
  );
  await shot(cy, "decisions-outcome-390");
  await cy.goto(`${node.url}/decisions`);
  await shot(cy, "decisions-landing-390");
  await ana.goto(`${node.url}/decisions`);
  await shot(ana, "decisions-landing-1280");
});
