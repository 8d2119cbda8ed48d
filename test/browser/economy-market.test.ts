/**
 * Issue 20 in a browser: a member publishes an offer on a phone-width page
 * (no script needed), finds it again with the marketplace's filters and on the
 * server-drawn map, and opens it from the map; the same pages at desktop width.
 * Screenshots (390 and 1280 px) in test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
const PASSWORD = "password123";

before(async () => {
  node = await startTestNode({ host: "127.0.207.3" });
  await createMember(node, { username: "ana", password: PASSWORD });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

test("publish an offer on a phone, find it by filter and on the map", async () => {
  const context = await newContext(browser, { mobile: true });
  await context.setExtraHTTPHeaders({ "accept-language": "en-US" });
  const phone = await context.newPage();
  await logIn(phone, node.url, "ana", PASSWORD);
  await phone.goto(`${node.url}/economy`);
  await screenshot(phone, "economy-landing-phone");
  await phone.getByRole("link", { name: "Publish an offer or need" }).first().click();
  await phone.locator("#f-name").fill("Fresh eggs");
  await phone.locator("#f-note").fill("From free-range hens, collected every morning.");
  await phone.locator("#f-category").fill("eggs");
  await phone.locator("#f-unit").selectOption("one");
  await phone.locator("#f-quantity").fill("120");
  await phone.locator("#f-minimum").fill("6");
  await phone.locator("#f-reciprocity").selectOption("money");
  await phone.locator("#f-unitPrice").fill("0.35");
  await phone.locator("#f-currency").fill("EUR");
  await phone.locator("#f-placeName").fill("Hill farm");
  await phone.locator("#f-latitude").fill("40.4168");
  await phone.locator("#f-longitude").fill("-3.7038");
  await screenshot(phone, "economy-publish-phone");
  await phone.getByRole("button", { name: "Publish" }).click();
  await phone.waitForURL(/\/economy\/proposals\/[0-9a-f-]{36}/);
  const offerUrl = new URL(phone.url()).pathname;
  assert.match((await phone.locator("h1").textContent()) ?? "", /Fresh eggs/);
  assert.match((await phone.locator(".market-facts").textContent()) ?? "", /120 pc/);
  await screenshot(phone, "economy-offer-phone");

  // A second offer far away, so the filters have something to leave out.
  await phone.goto(`${node.url}/economy/proposals/new`);
  await phone.locator("#f-name").fill("Firewood");
  await phone.locator("#f-category").fill("fuel");
  await phone.locator("#f-quantity").fill("3");
  await phone.locator("#f-latitude").fill("41.39");
  await phone.locator("#f-longitude").fill("2.17");
  await phone.getByRole("button", { name: "Publish" }).click();
  await phone.waitForURL(/\/economy\/proposals\//);

  await phone.goto(`${node.url}/economy/market`);
  await phone.locator("#m-category").selectOption("eggs");
  await phone.getByRole("button", { name: "Search" }).click();
  await phone.waitForURL(/category=eggs/);
  const results = phone.locator(".market-list");
  assert.match((await results.textContent()) ?? "", /Fresh eggs/);
  assert.doesNotMatch((await results.textContent()) ?? "", /Firewood/);
  await screenshot(phone, "economy-market-filtered-phone");

  await phone.goto(`${node.url}/economy/market?lat=40.42&lon=-3.70&km=30&view=map`);
  const map = phone.locator("svg.market-map");
  assert.equal(await map.count(), 1);
  assert.equal(await map.locator("a").count(), 1, "only the eggs are within 30 km");
  await screenshot(phone, "economy-map-phone");
  await map.locator("a circle").first().click();
  await phone.waitForURL((url) => url.pathname === offerUrl);

  const desktop = await (await newContext(browser)).newPage();
  await logIn(desktop, node.url, "ana", PASSWORD);
  await desktop.goto(`${node.url}/economy/market?view=map`);
  assert.equal(await desktop.locator("svg.market-map a").count(), 2);
  await screenshot(desktop, "economy-map-desktop");
  await desktop.goto(`${node.url}${offerUrl}`);
  await screenshot(desktop, "economy-offer-desktop");
  await desktop.goto(`${node.url}/economy`);
  await screenshot(desktop, "economy-landing-desktop");
});
