/**
 * Groups in a real browser: a member creates a moderated group on node A; a
 * member of node B finds it under Network and asks to join (a Follow of the
 * Group); the group's admin admits them on the management page, and B's
 * member then writes a thread from their own node, which the group shows. Screenshots go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { waitFor } from "../../src/federation/testing.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

let a: TestNode;
let b: TestNode;
let browser: Browser;
const stops: (() => Promise<void>)[] = [];

before(async () => {
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.23.1" }),
    startTestNode({ host: "127.0.23.2" }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close()]);
});

test("create a group, and admit a member from another node", async () => {
  await createMember(a, { username: "ana", password: "password123" });
  await createMember(b, { username: "bo", password: "password123" });
  const anaContext = await newContext(browser);
  const ana = await anaContext.newPage();
  await logIn(ana, a.url, "ana", "password123");
  await ana.goto(`${a.url}/groups`);
  await ana.getByRole("link", { name: "Create a group" }).first().click();
  await ana.getByLabel("Name", { exact: true }).fill("orchard");
  await ana.getByLabel("Display name").fill("Orchard working group");
  await ana.getByLabel("Description").fill("Pruning, grafting and the apple harvest.");
  await ana.getByLabel("A moderator admits each new member").check();
  await screenshot(ana, "groups-create-form");
  await ana.getByRole("button", { name: "Create group" }).click();
  await ana.waitForURL(/\/groups\/orchard/);
  assert.match(
    (await ana.getByRole("status").first().textContent()) ?? "",
    /Orchard working group/,
  );
  await ana.getByLabel("Title").fill("Harvest day");
  await ana.getByLabel("Message").fill("Saturday at nine, bring baskets.");
  await ana.getByRole("button", { name: "Post" }).click();
  await ana.waitForURL(/\/threads\//);
  await screenshot(ana, "groups-thread");

  // bo, on node B, finds the group by its handle and asks to join.
  const boContext = await newContext(browser, { mobile: true });
  const bo = await boContext.newPage();
  await logIn(bo, b.url, "bo", "password123");
  await bo.goto(`${b.url}/network`);
  await bo.getByLabel("Handle or address").fill(`@orchard@${a.domain}`);
  await bo.getByRole("button", { name: "Search" }).click();
  await bo.getByRole("button", { name: "Follow", exact: true }).click();
  await bo.waitForURL(/\/network\?/);
  await screenshot(bo, "groups-remote-request");

  // ana sees the request and admits bo.
  await waitFor(
    "the request reaches node A",
    async () =>
      await a.node.db.db
        .selectFrom("group_members")
        .select("id")
        .where("status", "=", "pending")
        .executeTakeFirst(),
  );
  await ana.goto(`${a.url}/groups/orchard/manage`);
  const request = ana.getByRole("listitem").filter({ hasText: `bo@${b.domain}` });
  await screenshot(ana, "groups-manage-request");
  await request.getByRole("button", { name: "Admit" }).click();
  await ana.waitForURL(/\/manage\?/);
  assert.equal(await ana.getByRole("button", { name: "Admit" }).count(), 0);
  // ana makes bo a moderator (the group announces Add to its attributedTo collection).
  const member = ana.getByRole("listitem").filter({ hasText: `bo@${b.domain}` });
  await member.getByLabel("Role").selectOption("moderator");
  await member.getByRole("button", { name: "Change role" }).click();
  await ana.waitForURL(/\/manage\?/);
  await screenshot(ana, "groups-manage-admitted");

  // bo's node hears the Accept; the group page on A lists bo as a member.
  await waitFor(
    "bo's follow of the group is accepted",
    async () =>
      (
        await b.node.db.db
          .selectFrom("follows")
          .select("status")
          .where("followee_uri", "=", `${a.url}/groups/orchard`)
          .executeTakeFirst()
      )?.status === "accepted",
  );
  await ana.goto(`${a.url}/groups/orchard`);
  const boRow = ana.getByRole("listitem").filter({ hasText: `@bo@${b.domain}` });
  assert.match((await boRow.textContent()) ?? "", /moderator/);
  await screenshot(ana, "groups-page");

  // bo writes in the group from his own node; the group on A keeps and shows it.
  await bo.goto(`${b.url}/groups/elsewhere`);
  await bo.getByRole("link", { name: "Orchard working group" }).click();
  await bo.getByLabel("Title").fill("Ladders");
  await bo.getByLabel("Message").fill("I can bring two ladders.");
  await bo.getByRole("button", { name: "Post" }).click();
  await bo.waitForURL(/\/groups\/elsewhere\/view/);
  assert.equal(await bo.getByRole("link", { name: "Ladders" }).count(), 1);
  await screenshot(bo, "groups-elsewhere-phone");
  await waitFor("the group on A keeps bo's thread", async () =>
    a.node.db.db.selectFrom("posts").select("id").where("title", "=", "Ladders").executeTakeFirst(),
  );
  await ana.goto(`${a.url}/groups/orchard`);
  await ana.getByRole("link", { name: "Ladders" }).click();
  assert.match((await ana.locator(".group-thread").textContent()) ?? "", /two ladders/);

  // ana (the group's admin) deletes bo's thread: gone here, and on B by Announce{Delete}.
  const ladders = await a.node.db.db
    .selectFrom("posts")
    .select("uri")
    .where("title", "=", "Ladders")
    .executeTakeFirstOrThrow();
  await ana.getByRole("button", { name: "Delete" }).first().click();
  await ana.waitForURL(/\/groups\/orchard\?/);
  assert.equal(await ana.getByRole("link", { name: "Ladders" }).count(), 0);
  await waitFor(
    "B drops its copy of the thread",
    async () =>
      !!(
        await b.node.db.db
          .selectFrom("posts")
          .select("deleted_at")
          .where("uri", "=", ladders.uri)
          .executeTakeFirst()
      )?.deleted_at,
  );
  await ana.goto(`${a.url}/groups/orchard/manage`);
  assert.match((await ana.locator(".moderation-log").textContent()) ?? "", /deleted/);
  await screenshot(ana, "groups-manage-log");
  await anaContext.close();
  await boContext.close();
});

test("the directory and a group page for a visitor, in Spanish, on a phone", async () => {
  const context = await newContext(browser, { locale: "es-ES", mobile: true });
  const page = await context.newPage();
  await page.goto(`${a.url}/groups`);
  assert.equal(await page.getByRole("heading", { name: "Grupos", level: 1 }).count(), 1);
  assert.equal(await page.getByRole("link", { name: "Orchard working group" }).count(), 1);
  await screenshot(page, "groups-directory-es-phone");
  await page.getByRole("link", { name: "Orchard working group" }).click();
  assert.equal(await page.getByRole("link", { name: "Harvest day" }).count(), 1);
  // A visitor cannot join without logging in: no join button, no thread form.
  assert.equal(await page.getByRole("button", { name: "Unirme" }).count(), 0);
  await screenshot(page, "groups-page-es-phone");
  await context.close();
});
