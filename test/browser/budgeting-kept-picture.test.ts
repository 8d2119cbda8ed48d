/**
 * A budget proposal's picture survives a mistyped cost, in a real browser on a
 * phone with no script (issue 23's gap): the member picks a photo, types "lots"
 * as the cost and sends; the form comes back naming the cost and showing the
 * photo ("no need to pick it again"); with the cost fixed and nothing picked,
 * the project is proposed with the photo. Screenshots go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import sharp from "sharp";
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
  node = await startTestNode({ host: "127.0.232.2" });
  const ana = await createMember(node, { username: "ana", password: PASSWORD });
  const bo = await createMember(node, { username: "bo", password: PASSWORD });
  const ctx = { ...socialOf(node), clock: systemClock };
  const made = await createGroup(ctx, ana, {
    name: "garden",
    kind: "working_group",
    displayName: "Community garden",
    visibility: "members",
    moderated: false,
  });
  assert.ok(made.ok);
  assert.ok((await joinGroup(ctx, bo, { group: made.value })).ok);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

test("a mistyped cost keeps the photo; the next try proposes with it (phone)", async () => {
  const ana = await (await newContext(browser)).newPage();
  await logIn(ana, node.url, "ana", PASSWORD);
  await ana.goto(`${node.url}/budgets`);
  await ana.getByRole("link", { name: "Community garden" }).click();
  await ana.getByLabel("Title").fill("Garden budget 2027");
  await ana.getByLabel("Description").fill("What should the garden buy this year?");
  await ana.getByLabel("Budgets, one per line: name: amount").fill("Whole garden: 1000");
  await ana.getByRole("button", { name: "Open the budget" }).click();
  await ana.waitForURL(/\/budgets\/[0-9a-f-]+$/);
  const url = ana.url();

  const bo = await (await newContext(browser, { mobile: true })).newPage();
  await logIn(bo, node.url, "bo", PASSWORD);
  await bo.goto(url);
  await bo.getByRole("link", { name: "Propose a project" }).click();
  await bo.getByLabel("Project title").fill("Benches");
  await bo.getByLabel("What it is and who it helps").fill("Benches for the garden.");
  await bo.getByLabel(/^Cost/).fill("lots");
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#5a8" } })
    .png()
    .toBuffer();
  await bo
    .getByLabel("A photo or picture (optional)")
    .setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: photo });
  await bo.getByLabel("Describe the picture").fill("Where the benches would go");
  await bo.getByRole("button", { name: "Send my proposal" }).click();
  await bo.locator(".errors").waitFor();
  // The photo is shown again, with what it says; the typed text is there too.
  const kept = bo.locator(".kept-image");
  assert.equal(await kept.locator('img[alt="Where the benches would go"]').count(), 1);
  assert.match((await kept.textContent()) ?? "", /Already uploaded: no need to pick it again\./);
  assert.equal(await bo.getByLabel("Project title").inputValue(), "Benches");
  const width = await bo.evaluate<number>("document.documentElement.scrollWidth");
  assert.ok(width <= 390, `the form is ${width}px wide`);
  await screenshot(bo, "budgeting-kept-picture-390");

  await bo.getByLabel(/^Cost/).fill("300");
  await bo.getByRole("button", { name: "Send my proposal" }).click();
  await bo.waitForURL(/\/budgets\/[^/]+\/projects\/[^/?]+/);
  assert.equal(await bo.locator('img.pb-image[alt="Where the benches would go"]').count(), 1);
  await screenshot(bo, "budgeting-kept-picture-proposed-390");
});
