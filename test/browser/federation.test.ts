/**
 * The network pages in a real browser: a member finds someone on another node
 * with the search box and follows them; a locked member answers the request on
 * a phone, in Spanish. Screenshots go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { setManuallyApproves } from "../../src/federation/follows.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

let a: TestNode;
let b: TestNode;
let browser: Browser;
const stops: (() => Promise<void>)[] = [];

before(async () => {
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.4.1" }),
    startTestNode({ host: "127.0.4.2" }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close()]);
});

test("find a member of another node with the search box and follow them", async () => {
  await createMember(a, { username: "ana", password: "password123" });
  await createMember(b, { username: "bea", password: "password123" });
  const context = await newContext(browser);
  const page = await context.newPage();
  await logIn(page, a.url, "ana", "password123");
  await page.goto(`${a.url}/network`);
  await page.getByLabel("Handle or address").fill(`@bea@${b.domain}`);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("button", { name: "Follow", exact: true }).click();
  await page.waitForURL(/\/network\?/);
  assert.match((await page.getByRole("status").first().textContent()) ?? "", /bea/);
  // Accepted by bea's node in the background: the card then shows Unfollow.
  for (let i = 0; i < 100; i++) {
    if (await page.getByRole("button", { name: "Unfollow" }).count()) break;
    await page.waitForTimeout(100); // polling the page, with a bound, for the remote Accept
    await page.reload();
  }
  assert.equal(await page.getByRole("button", { name: "Unfollow" }).count(), 1);
  await screenshot(page, "federation-search-follow-en");
  await context.close();
});

test("a locked member answers a follow request on a phone, in Spanish", async () => {
  const luz = await createMember(b, { username: "luz", password: "password123" });
  await setManuallyApproves(b.node.db.db, luz.id, true);
  // A member's own language wins over the browser's: luz reads Spanish.
  await b.node.db.db
    .updateTable("accounts")
    .set({ language: "es" })
    .where("id", "=", luz.id)
    .execute();
  const asker = await browser.newContext();
  const askerPage = await asker.newPage();
  await createMember(a, { username: "teo", password: "password123" });
  await logIn(askerPage, a.url, "teo", "password123");
  await askerPage.goto(`${a.url}/network?q=${encodeURIComponent(`luz@${b.domain}`)}`);
  await askerPage.getByRole("button", { name: "Follow", exact: true }).click();
  await asker.close();

  const context = await newContext(browser, { locale: "es-ES", mobile: true });
  const page = await context.newPage();
  await logIn(page, b.url, "luz", "password123");
  for (let i = 0; i < 100; i++) {
    await page.goto(`${b.url}/network/requests`);
    if (await page.getByRole("button", { name: "Aceptar" }).count()) break;
    await page.waitForTimeout(100); // bounded wait for the remote Follow to arrive
  }
  assert.equal(
    await page.getByRole("heading", { level: 1 }).textContent(),
    "Solicitudes de seguimiento",
  );
  const overflow = await page.evaluate<number>(
    "document.documentElement.scrollWidth - window.innerWidth",
  );
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await screenshot(page, "federation-requests-es-mobile");
  await page.getByRole("button", { name: "Aceptar" }).click();
  await page.waitForURL(/\/network\/requests\?/);
  assert.match((await page.getByRole("status").first().textContent()) ?? "", /teo/);
  await context.close();
});
