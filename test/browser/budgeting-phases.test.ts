/**
 * Issue 19, a participatory budget through every phase in a real browser, with
 * no script needed: a moderator opens it → members propose (one with a photo,
 * from a phone) → review (one refused with a public note, one repriced) →
 * voting on a phone-width page → the count (what the worker does) → results
 * with every project's why → implementation with a progress update. Screenshots
 * at 390 px and 1280 px go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { countProcess } from "../../src/governance/budgeting/processes/counting.ts";
import { createGroup } from "../../src/groups/groups.ts";
import { joinGroup } from "../../src/groups/memberships.ts";
import { systemClock } from "../../src/kernel/clock.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { socialOf, startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
const PASSWORD = "password123";

before(async () => {
  node = await startTestNode({ host: "127.0.193.1" });
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
  page.setDefaultTimeout(60_000);
  await logIn(page, node.url, username, PASSWORD);
  return page;
}

async function propose(
  page: Page,
  url: string,
  p: { title: string; cost: string; category?: string; photo?: Buffer; at?: [string, string] },
) {
  await page.goto(url);
  await page.getByRole("link", { name: "Propose a project" }).click();
  await page.getByLabel("Project title").fill(p.title);
  await page.getByLabel("What it is and who it helps").fill(`${p.title} for the garden.`);
  await page.getByLabel(/^Cost/).fill(p.cost);
  await page.getByLabel("Where (an address or a place, optional)").fill("By the gate");
  if (p.category) await page.getByLabel("Category").selectOption({ label: p.category });
  if (p.at) {
    await page.getByLabel("Latitude").fill(p.at[0]);
    await page.getByLabel("Longitude").fill(p.at[1]);
  }
  if (p.photo) {
    await page
      .getByLabel("A photo or picture (optional)")
      .setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: p.photo });
    await page.getByLabel("Describe the picture").fill("Where the benches would go");
  }
  await page.getByRole("button", { name: "Send my proposal" }).click();
  await page.waitForURL(/\/budgets\/[^/]+\/projects\/[^/?]+/);
}

async function advance(page: Page, url: string, phase: string) {
  await page.goto(url);
  await page.getByRole("button", { name: `Move on to ${phase}` }).click();
  await page.locator(`text=The budget moved on to ${phase}.`).waitFor();
}

async function vote(page: Page, url: string, titles: string[]) {
  await page.goto(url);
  await page.getByRole("link", { name: "Vote", exact: true }).click();
  for (const title of titles) await page.getByRole("checkbox", { name: new RegExp(title) }).check();
  await page.getByRole("button", { name: "Send my ballot" }).click();
  await page.waitForLoadState();
}

test("propose → review → vote on a phone → results with explanations → a progress update", async () => {
  // ana, the group's admin, opens the budget from /budgets (desktop).
  const ana = await member("ana", false);
  await ana.goto(`${node.url}/budgets`);
  await ana.getByRole("link", { name: "Community garden" }).click();
  await ana.getByLabel("Title").fill("Garden budget 2027");
  await ana.getByLabel("Description").fill("What should the garden buy this year?");
  await ana.getByLabel("Budgets, one per line: name: amount").fill("Whole garden: 1000");
  await ana.getByLabel("Categories, one per line (optional)").fill("Comfort\nWater");
  await screenshot(ana, "budgeting-new-1280");
  await ana.getByRole("button", { name: "Open the budget" }).click();
  await ana.waitForURL(/\/budgets\/[0-9a-f-]+$/);
  const url = ana.url();
  assert.match((await ana.locator("[aria-current=step]").textContent()) ?? "", /Proposing/);

  // Proposing: bo from a phone (with a photo), cy too.
  const bo = await member("bo", true);
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#5a8" } })
    .png()
    .toBuffer();
  await propose(bo, url, {
    title: "Benches",
    cost: "300",
    category: "Comfort",
    photo,
    at: ["40.4168", "-3.7038"],
  });
  assert.equal(await bo.locator("img.pb-image").count(), 1);
  await screenshot(bo, "budgeting-proposed-390");
  await propose(bo, url, { title: "Tool shed", cost: "600", at: ["40.4175", "-3.7010"] });
  const cy = await member("cy", true);
  await propose(cy, url, {
    title: "Rain barrels",
    cost: "450",
    category: "Water",
    at: ["40.4150", "-3.7060"],
  });
  await propose(cy, url, { title: "Swimming pool", cost: "900" });
  await screenshot(cy, "budgeting-proposing-390");
  // The map of where the projects are: three numbered markers, and the list with their links.
  await cy.goto(url);
  assert.equal(await cy.locator(".pb-map svg circle").count(), 3);
  assert.equal(await cy.locator(".pb-map-list li a").count(), 3);
  await cy.locator("#pb-map").scrollIntoViewIfNeeded();
  await screenshot(cy, "budgeting-map-390");
  await ana.goto(url);
  await screenshot(ana, "budgeting-map-1280");

  // Review: the pool is refused with a public note, the barrels repriced.
  await advance(ana, url, "Review");
  await ana.getByRole("link", { name: "Review proposals" }).click();
  const item = (title: string) => ana.getByRole("article", { name: title, exact: true });
  const review = async (title: string, feasible: boolean, note: string, cost?: string) => {
    const it = item(title);
    await it.getByLabel(feasible ? "Feasible" : "Not feasible", { exact: true }).check();
    await it.getByLabel("Public note").fill(note);
    if (cost) await it.getByLabel(/^Cost/).fill(cost);
    await it.getByRole("button", { name: "Save the review" }).click();
    await ana.locator("text=Review saved; the author was told.").waitFor();
  };
  await review("Swimming pool", false, "The garden has no room for a pool.");
  await review("Rain barrels", true, "Four barrels at the supplier's price.", "400");
  await review("Benches", true, "");
  await review("Tool shed", true, "");
  await screenshot(ana, "budgeting-review-1280");
  await cy.goto(`${node.url}/notifications`);
  assert.match((await cy.locator(".notifications").textContent()) ?? "", /reviewed your proposal/);
  const pool = await cy.goto(url);
  assert.ok(pool);
  await cy.getByRole("link", { name: "Swimming pool" }).first().click();
  assert.match((await cy.locator("dl.pb-facts").textContent()) ?? "", /no room for a pool/);

  // Voting, on phones.
  await advance(ana, url, "Voting");
  await vote(bo, url, ["Benches", "Tool shed"]);
  await screenshot(bo, "budgeting-voted-390");
  await vote(cy, url, ["Rain barrels", "Benches"]);
  await vote(ana, url, ["Rain barrels", "Tool shed"]);

  // Results: the worker counts once voting has closed.
  await advance(ana, url, "Results");
  const id = url.split("/").pop() ?? "";
  const counted = await countProcess({ ...socialOf(node), clock: systemClock }, id);
  assert.ok(counted.ok, JSON.stringify(counted));
  await cy.goto(url);
  await cy.getByRole("link", { name: "See the results and why" }).click();
  await cy.waitForURL(/\/results$/);
  const why = await cy.locator(".pb-why").allTextContents();
  assert.ok(why.length >= 3, JSON.stringify(why));
  assert.ok(
    why.some((w) => /paid/i.test(w)),
    JSON.stringify(why),
  );
  assert.match((await cy.locator("table").first().textContent()) ?? "", /Comfort\s*€300/);
  await screenshot(cy, "budgeting-results-390");
  await ana.goto(`${url}/results`);
  await screenshot(ana, "budgeting-results-1280");

  // Implementation: a progress update on a funded project.
  await advance(ana, url, "Implementation");
  const funded = ana.locator("li.pb-project", { hasText: "Funded" }).first();
  const title = (await funded.locator("strong").first().textContent()) ?? "";
  await funded.getByRole("link").first().click();
  await ana.getByLabel("How far along (%)").fill("30");
  await ana.getByLabel("What happened").fill("Ordered; delivery next week.");
  await ana.getByRole("button", { name: "Post the update" }).click();
  await ana.locator("text=Progress posted.").waitFor();
  await bo.goto(url);
  await bo.getByRole("link", { name: title }).first().click();
  assert.match((await bo.locator(".pb-updates").textContent()) ?? "", /delivery next week/);
  assert.equal(await bo.locator("progress").first().getAttribute("value"), "30");
  await screenshot(bo, "budgeting-progress-390");
  await bo.goto(url);
  await screenshot(bo, "budgeting-implementation-390");
  await ana.goto(url);
  await screenshot(ana, "budgeting-implementation-1280");
});
