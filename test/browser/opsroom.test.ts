/**
 * Issue 21 in a real browser, no script needed: on co-op B's node a manager
 * defines an indicator and reports by CSV and by form from a phone; the
 * detector raises an alarm nobody acknowledges; past the window the sweep
 * (what the worker runs) escalates it to the federation on node A, whose
 * manager finds it on the federation's board and acknowledges it there.
 * Screenshots at 390 px and 1280 px go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { escalateDue } from "../../src/economy/opsroom/escalation.ts";
import { waitFor } from "../../src/federation/testing.ts";
import { joinFederation } from "../../src/groups/federations.ts";
import { assembly, createGroup } from "../../src/groups/groups.ts";
import { fixedClock } from "../../src/kernel/clock.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { socialOf, startTestNode, type TestNode } from "../support/node.ts";

let a: TestNode;
let b: TestNode;
let browser: Browser;
const stops: (() => Promise<void>)[] = [];
const PASSWORD = "password123";
const day = (i: number) =>
  new Date(Date.UTC(2026, 9, 1) + i * 86_400_000).toISOString().slice(0, 10);

before(async () => {
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.213.1" }),
    startTestNode({ host: "127.0.213.2" }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  const ana = await createMember(a, { username: "ana", password: PASSWORD, role: "admin" });
  const ben = await createMember(b, { username: "ben", password: PASSWORD, role: "admin" });
  const made = await createGroup(socialOf(a), ana, {
    name: "fednet",
    kind: "federation",
    displayName: "Bakers' federation",
    visibility: "members",
    moderated: false,
  });
  assert.ok(made.ok);
  const actor = await b.node.federation.lookup(`fednet@${a.domain}`);
  assert.ok(actor);
  const joined = await joinFederation(socialOf(b), ben, {
    groupUri: actor.uri,
    remoteId: actor.id,
  });
  assert.ok(joined.ok);
  await waitFor(
    "the federation accepts B",
    async () =>
      (await b.node.db.db.selectFrom("coop_affiliations").select("status").executeTakeFirst())
        ?.status === "active",
    120_000,
  );
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  for (const stop of stops) await stop();
  await Promise.all([a, b].map((n) => n?.close()));
});

async function member(n: TestNode, username: string, mobile: boolean): Promise<Page> {
  const page = await (await newContext(browser, { mobile })).newPage();
  page.setDefaultTimeout(60_000);
  await logIn(page, n.url, username, PASSWORD);
  return page;
}

test("report → alarm → not acknowledged → escalated to the federation → acknowledged there", async () => {
  const coop = await assembly(b.node.db.db);
  const ben = await member(b, "ben", true);
  await ben.goto(`${b.url}/groups/${coop.name}/opsroom`);
  await ben.getByLabel("Name").fill("Loaves baked");
  await ben.getByLabel("Unit").fill("loaves");
  await ben.getByLabel("Capability").fill("130");
  await ben.getByRole("button", { name: "Define" }).click();
  await ben.waitForURL(/\/opsroom\/indicators\//);
  const lines = Array.from({ length: 30 }, (_, i) => `${day(i)},${100 + (i % 3)}`).join("\n");
  await ben.getByLabel("Or upload a CSV file").setInputFiles({
    name: "loaves.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`t,value\n${lines}\n`),
  });
  await ben.getByRole("button", { name: "Upload", exact: true }).click();
  await ben.getByText("Reported: 30 values.").waitFor();
  for (const [i, value] of [
    [30, "61"],
    [31, "60"],
  ] as const) {
    await ben.getByLabel("Period").fill(day(i));
    await ben.getByLabel("Value", { exact: true }).fill(value);
    await ben.getByRole("button", { name: "Report", exact: true }).click();
    await ben.getByRole("cell", { name: value, exact: true }).waitFor();
  }
  assert.equal(await ben.locator("svg[role=img] polygon.alarm-open").count(), 1);
  await screenshot(ben, "opsroom-indicator-390");
  await ben.setViewportSize({ width: 1280, height: 900 });
  await screenshot(ben, "opsroom-indicator-1280");
  // Nobody acknowledges it. A day later the worker's sweep escalates it.
  const tomorrow = fixedClock(new Date(Date.now() + 25 * 3600 * 1000));
  assert.deepEqual(await escalateDue({ db: b.node.db.db, origin: b.url, clock: tomorrow }), {
    alarms: 1,
    forwarded: 0,
  });
  await waitFor(
    "the escalation reaches A",
    async () =>
      !!(await a.node.db.db.selectFrom("indicator_escalations").select("id").executeTakeFirst()),
    120_000,
  );
  await ben.reload();
  await ben.getByRole("heading", { name: /Crisis \(escalated\)/ }).waitFor();

  const ana = await member(a, "ana", false);
  await ana.goto(`${a.url}/groups/fednet/opsroom`);
  await ana
    .getByRole("table", { name: "Escalated alarms" })
    .getByRole("link", { name: "Loaves baked" })
    .click();
  await ana.getByText("Open", { exact: true }).first().waitFor();
  await ana.getByLabel(/Note/).fill("We will send flour from the mill.");
  await ana.getByRole("button", { name: "Acknowledge" }).click();
  await ana.getByText("Acknowledged", { exact: true }).first().waitFor();
  await ana.getByText("We will send flour from the mill.").waitFor();
  await screenshot(ana, "opsroom-escalation-1280");
  await ana.goto(`${a.url}/groups/fednet/opsroom`);
  await waitFor(
    "B's state on the federation's board",
    async () => {
      await ana.reload();
      return (await ana.getByRole("table", { name: "Member co-ops" }).count()) > 0;
    },
    120_000,
  );
  await screenshot(ana, "opsroom-federation-1280");
  await ana.setViewportSize({ width: 390, height: 844 });
  await ana.goto(`${a.url}/groups/fednet/opsroom/wall`);
  await screenshot(ana, "opsroom-wall-390");
  const held = await a.node.db.db
    .selectFrom("indicator_escalations")
    .select(["state", "acknowledged_by"])
    .executeTakeFirstOrThrow();
  assert.deepEqual(held, { state: "acknowledged", acknowledged_by: `${a.url}/users/ana` });
});
