/**
 * Issue 20's ledger in a browser: a co-op admin pays another co-op from the
 * ledger page on a phone (no script on the page), sees the notice, the moved
 * balance, the chart and the journal; the same page at desktop width.
 * Screenshots in test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { createLedger } from "../../src/economy/credit/ledgers.ts";
import { postTransfer } from "../../src/economy/credit/transfers.ts";
import { createGroup } from "../../src/groups/groups.ts";
import { insertMember } from "../../src/groups/memberships.ts";
import { coopUri } from "../../src/kernel/uris.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { socialOf, startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
const PASSWORD = "password123";
const others = [
  "https://huerta.example/users/coop",
  "https://panaderia.example/users/coop",
  "https://taller.example/users/coop",
];

before(async () => {
  node = await startTestNode({ host: "127.0.214.21" });
  const ana = await createMember(node, { username: "ana", password: PASSWORD, role: "admin" });
  const made = await createGroup(socialOf(node), ana, {
    name: "red",
    kind: "federation",
    displayName: "Red de cooperativas",
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok);
  for (const coop of [coopUri(node.url), ...others])
    await insertMember(node.node.db.db, new Date().toISOString(), {
      group_id: made.value.id,
      actor_uri: coop,
      account_id: null,
      remote_id: null,
      actor_kind: "coop",
      role: "member",
      status: "active",
      follow_activity_uri: null,
    });
  const ledger = await createLedger(socialOf(node), ana, {
    groupId: made.value.id,
    settings: { unit: "hours", defaultDebitLimit: 20_000, defaultCreditLimit: 20_000 },
  });
  assert.ok(ledger.ok);
  const moves: [number, number, number][] = [
    [0, 1, 2_500],
    [1, 2, 4_000],
    [2, 0, 1_200],
    [0, 2, 800],
    [1, 0, 3_300],
    [2, 1, 600],
  ];
  for (const [from, to, amount] of moves)
    await postTransfer(socialOf(node), {
      ledgerId: ledger.value.id,
      payerUri: others[from] as string,
      payeeUri: others[to] as string,
      amount,
      memo: "vegetables",
    });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

test("paying from the ledger page on a phone, then the page at desktop width", async () => {
  const phone = await (await newContext(browser, { mobile: true })).newPage();
  await logIn(phone, node.url, "ana", PASSWORD);
  await phone.goto(`${node.url}/groups/red/ledger`);
  await phone.locator("#f-payee").selectOption({ label: "huerta.example" });
  await phone.locator("#f-amount").fill("7.50");
  await phone.locator("#f-memo").fill("seedlings");
  await phone.locator("form[action$='/ledger/transfers'] button[type=submit]").click();
  await phone.waitForURL(/done=/);
  assert.match(
    (await phone.locator(".notice").textContent()) ?? "",
    /Paid 7\.5 hours: transfer no\. 7/,
  );
  assert.match((await phone.locator("table.figures").first().textContent()) ?? "", /−?7\.5 hours/);
  assert.equal(await phone.locator(".ledger-chart svg path").count(), 4);
  // Nothing wider than the phone but the tables, which scroll in their own boxes.
  const width = await phone.evaluate<number>("document.documentElement.scrollWidth");
  assert.ok(width <= 390, `page is ${width}px wide`);
  await screenshot(phone, "credit-ledger-390");
  const desk = await (await newContext(browser)).newPage();
  await logIn(desk, node.url, "ana", PASSWORD);
  await desk.goto(`${node.url}/groups/red/ledger`);
  await screenshot(desk, "credit-ledger-1280");
});
