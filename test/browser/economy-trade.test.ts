/**
 * Issue 20's "must show" in a browser, across two real nodes (127.0.217.x):
 * publish → respond → accept → fulfil → balance, every step through the pages.
 * A hosts a federation of co-ops with a mutual-credit ledger and B's co-op is a
 * member (set up directly: that is the groups area's, not this test's). On A,
 * the co-op's admin publishes an offer paid in credit to the federation; on B,
 * on a phone, B's admin finds A's offer in B's own marketplace and responds for
 * B's co-op; on A the offer is accepted and the delivery recorded; both nodes'
 * agreement pages then say fulfilled, A's ledger page shows A's co-op up and
 * B's down with the balance-over-time chart, and B's page of that ledger
 * (fetched from A and audited on B) shows the same. Screenshots at 390 and
 * 1280 px in test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { createLedger } from "../../src/economy/credit/ledgers.ts";
import { waitFor } from "../../src/federation/testing.ts";
import { joinWithOurCoop } from "../../src/groups/federations.ts";
import { createGroup } from "../../src/groups/groups.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { joinFederationOn } from "../support/federations.ts";
import { createMember } from "../support/login.ts";
import { socialOf, startTestNode, type TestNode } from "../support/node.ts";

let a: TestNode;
let b: TestNode;
let browser: Browser;
let groupUri: string;
const stops: (() => Promise<void>)[] = [];
const PASSWORD = "password123";
const SLOW = 120_000;

before(async () => {
  const env = { SYNCO_LOG_LEVEL: "error" };
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.217.1", env }),
    startTestNode({ host: "127.0.217.2", env }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  const ana = await createMember(a, { username: "ana", password: PASSWORD, role: "admin" });
  const ben = await createMember(b, { username: "ben", password: PASSWORD, role: "admin" });
  const made = await createGroup(socialOf(a), ana, {
    name: "huertas",
    kind: "federation",
    displayName: "Red de huertas",
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok);
  assert.ok((await joinWithOurCoop(socialOf(a), ana, { group: made.value })).ok);
  groupUri = await joinFederationOn(a, b, ben, "huertas");
  const opened = await createLedger(socialOf(a), ana, {
    groupId: made.value.id,
    settings: { unit: "hours", defaultDebitLimit: 50_000, defaultCreditLimit: 50_000 },
  });
  assert.ok(opened.ok, JSON.stringify(opened));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close()]);
});

/** Reloads `path` until `selector`'s text matches (the other node's news arrives by the queue). */
async function reloadUntil(page: Page, path: string, selector: string, pattern: RegExp) {
  await waitFor(
    `${path} shows ${pattern}`,
    async () => {
      await page.goto(path);
      // Not there yet is "not yet", not a 30-second wait for the element.
      const found = page.locator(selector);
      return (await found.count()) > 0 && pattern.test((await found.first().textContent()) ?? "");
    },
    SLOW,
  );
}

test("publish on A, respond on B (phone), accept and fulfil on A, both see the balance", async () => {
  // 1. Publish, on A, as A's co-op, to the federation, for credit.
  const anaPage = await (await newContext(browser)).newPage();
  await logIn(anaPage, a.url, "ana", PASSWORD);
  await anaPage.goto(`${a.url}/economy/proposals/new`);
  await anaPage.locator("input[name=asCoop]").check();
  await anaPage.locator("#f-groupUri").selectOption({ label: "Red de huertas" });
  await anaPage.locator("#f-name").fill("Winter vegetables");
  await anaPage.locator("#f-note").fill("Leeks, cabbages and squash from the valley plots.");
  await anaPage.locator("#f-category").fill("vegetables");
  await anaPage.locator("#f-unit").selectOption("kilogram");
  await anaPage.locator("#f-quantity").fill("40");
  await anaPage.locator("#f-minimum").fill("1");
  await anaPage.locator("#f-reciprocity").selectOption("credit");
  await anaPage.locator("#f-unitPrice").fill("1.50");
  await anaPage.locator("#f-currency").fill("hours");
  await anaPage.getByRole("button", { name: "Publish" }).click();
  await anaPage.waitForURL(/\/economy\/proposals\/[0-9a-f-]{36}/);
  const offerPath = new URL(anaPage.url()).pathname;
  assert.match((await anaPage.locator("h1").textContent()) ?? "", /Winter vegetables/);
  await screenshot(anaPage, "economy-trade-1-published-a-1280");

  // 2. Respond, on B, on a phone, for B's co-op, from B's own marketplace.
  const benPhone = await (await newContext(browser, { mobile: true })).newPage();
  await logIn(benPhone, b.url, "ben", PASSWORD);
  await reloadUntil(benPhone, `${b.url}/economy/market`, "main", /Winter vegetables/);
  await screenshot(benPhone, "economy-trade-2-market-b-390");
  await benPhone
    .getByRole("link", { name: /Winter vegetables/ })
    .first()
    .click();
  await benPhone.waitForURL(/\/economy\/proposals\//);
  assert.match((await benPhone.locator(".market-facts").textContent()) ?? "", /40 kg/);
  // The copy's report form can tell A's moderators too (Mastodon's "forward").
  assert.equal(
    await benPhone.getByLabel(`Also send it to the moderators of ${a.domain}`).count(),
    1,
  );
  await benPhone.locator("form[action$='/respond'] input[name=quantity]").fill("12");
  await benPhone.locator("form[action$='/respond'] textarea[name=note]").fill("For the canteen");
  await benPhone
    .locator("form[action$='/respond'] select[name=as]")
    .selectOption({ label: `@coop@${b.domain}` });
  await screenshot(benPhone, "economy-trade-3-respond-b-390");
  await benPhone.locator("form[action$='/respond'] button").click();
  await benPhone.waitForURL(/\/economy\/agreements\/[0-9a-f-]{36}\?done=offered/);
  const benAgreement = new URL(benPhone.url()).pathname;
  assert.match((await benPhone.locator("main dl").textContent()) ?? "", /Status\s*offered/);
  await screenshot(benPhone, "economy-trade-4-offered-b-390");

  // 3. Accept, on A, from the offer's page.
  await reloadUntil(anaPage, `${a.url}${offerPath}`, "#agreements + ul", /offered/i);
  await anaPage.getByRole("button", { name: "Accept" }).click();
  await anaPage.waitForURL(/done=accepted/);
  const anaAgreement = new URL(anaPage.url()).pathname;
  assert.match((await anaPage.locator("main dl").textContent()) ?? "", /Status\s*accepted/);

  // 4. Record the delivery, on A: 12 kg on the primary commitment.
  await anaPage.locator("form[action$='/events'] select[name=commitment]").selectOption({
    index: 0,
  });
  await anaPage.locator("form[action$='/events'] input[name=quantity]").fill("12");
  await anaPage.locator("form[action$='/events'] input[name=note]").fill("Delivered by van");
  await anaPage.locator("form[action$='/events'] button").click();
  await anaPage.waitForURL(/done=recorded/);
  assert.match((await anaPage.locator("main dl").textContent()) ?? "", /Status\s*fulfilled/);
  await screenshot(anaPage, "economy-trade-5-fulfilled-a-1280");

  // 5. Both sides: the agreement fulfilled, A's co-op +18 hours, B's −18, the chart.
  await reloadUntil(benPhone, `${b.url}${benAgreement}`, "main dl", /Status\s*fulfilled/);
  await screenshot(benPhone, "economy-trade-6-fulfilled-b-390");
  await reloadUntil(anaPage, `${a.url}/groups/huertas/ledger`, "table.figures", /18 hours/);
  const accountsA = (await anaPage.locator("table.figures").first().textContent()) ?? "";
  assert.match(accountsA, new RegExp(`${b.domain}\\s*[−-]18 hours`));
  assert.match(accountsA, /\b18 hours/);
  assert.equal(await anaPage.locator(".ledger-chart svg path").count(), 2);
  await screenshot(anaPage, "economy-trade-7-ledger-a-1280");
  // A's agreement page names the ledger's transfer that paid it; B's points to the ledger.
  await anaPage.goto(`${a.url}${anaAgreement}`);
  assert.match(
    (await anaPage.locator(".notice.ok").textContent()) ?? "",
    /Paid in the ledger: transfer no\. 1/,
  );
  // What is given in return counts the ledger's payment, on A and (told by A) on B.
  assert.match(
    (await anaPage.locator("#commitments + ul").textContent()) ?? "",
    /In return:[\s\S]*18 hours of 18 hours/,
  );
  await reloadUntil(
    benPhone,
    `${b.url}${benAgreement}`,
    "#commitments + ul",
    /In return:[\s\S]*18 hours of 18 hours/,
  );
  assert.match((await benPhone.locator("main").textContent()) ?? "", /its journal shows/);

  const ledgerOnB = `${b.url}/economy/ledgers/remote?group=${encodeURIComponent(groupUri)}`;
  await reloadUntil(benPhone, ledgerOnB, "table.figures", /18 hours/);
  const accountsB = (await benPhone.locator("table.figures").first().textContent()) ?? "";
  assert.match(accountsB, /[−-]18 hours/);
  assert.match(accountsB, new RegExp(`${a.domain}\\s*18 hours`));
  assert.match((await benPhone.locator(".notice.ok").textContent()) ?? "", /1 transfer/);
  assert.equal(await benPhone.locator(".ledger-chart svg path").count(), 2);
  const width = await benPhone.evaluate<number>("document.documentElement.scrollWidth");
  assert.ok(width <= 390, `B's ledger page is ${width}px wide`);
  await screenshot(benPhone, "economy-trade-8-ledger-b-390");

  // B's co-op page leads to that ledger and says its balance.
  await benPhone.goto(`${b.url}/economy/coop`);
  await benPhone.locator(".ledger-block a", { hasText: "Red de huertas" }).click();
  await benPhone.waitForURL(/\/economy\/ledgers\/remote/);
  assert.match((await benPhone.locator("h1").textContent()) ?? "", /Red de huertas/);
  await screenshot(benPhone, "economy-trade-9-coop-b-390");
});
