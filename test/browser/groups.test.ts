/**
 * Groups in a real browser: a member creates a moderated group on node A; a
 * member of node B finds it under Network and asks to join (a Follow of the
 * Group); the group's admin admits them on the management page, and B's
 * member then writes a thread from their own node, which the group shows. In a
 * group, members get the social network's posts: a thread with an image (and its
 * alt text), one with a poll; another member likes, votes and replies, nested.
 * Screenshots at phone (390px) and desktop (1280px) widths go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import sharp from "sharp";
import { waitFor } from "../../src/federation/testing.ts";
import { createGroup } from "../../src/groups/groups.ts";
import { systemClock } from "../../src/kernel/clock.ts";
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
  await ana.getByText("New thread").click();
  await ana.getByLabel("Title").fill("Harvest day");
  await ana.getByLabel("What do you want to say?").fill("Saturday at nine, bring baskets.");
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
  await bo.getByText("New thread").click();
  await bo.getByLabel("Title").fill("Ladders");
  await bo.getByLabel("What do you want to say?").fill("I can bring two ladders.");
  await bo.getByRole("button", { name: "Post" }).click();
  await bo.waitForURL(/\/groups\/elsewhere\/view/);
  assert.equal(await bo.getByRole("link", { name: "Ladders" }).count(), 1);
  await screenshot(bo, "groups-elsewhere-phone");
  // bo answers ana's thread from his node with the same form; the group on A keeps it, nested.
  await bo.getByRole("link", { name: "Harvest day" }).click();
  await bo.getByLabel("What do you want to say?").fill("I will bring baskets.");
  await bo.getByRole("button", { name: "Reply" }).click();
  await bo.waitForURL(/\/groups\/elsewhere\/threads\/.*#p-/);
  assert.match((await bo.locator(".group-thread .replies").textContent()) ?? "", /bring baskets/);
  await screenshot(bo, "groups-elsewhere-thread-phone");
  await waitFor("the group on A keeps bo's reply", async () =>
    a.node.db.db
      .selectFrom("posts")
      .select("id")
      .where("content_html", "like", "%bring baskets%")
      .where("in_reply_to_id", "is not", null)
      .executeTakeFirst(),
  );
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
  // Delete is in the post's "More actions" menu and asks first.
  await ana.locator("article.post").first().getByLabel("More actions").click();
  await ana.locator("article.post").first().getByRole("link", { name: "Delete" }).click();
  await ana.getByRole("button", { name: "Delete the post" }).click();
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

/** A picture for the thread: an oven, drawn as SVG and made a PNG (no fixtures needed). */
async function ovenPng(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400">
    <rect width="640" height="400" fill="#e9d8b4"/>
    <path d="M120 330 Q320 40 520 330 Z" fill="#8d5a3b"/>
    <path d="M250 330 Q320 200 390 330 Z" fill="#2b1d14"/>
    <circle cx="320" cy="300" r="22" fill="#f2a33a"/>
    <rect y="330" width="640" height="70" fill="#6b6b6b"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

test("in a group, a thread with an image, one with a poll; another member likes, votes and replies", async () => {
  const dora = await createMember(a, { username: "dora", password: "password123" });
  const ctx = { db: a.node.db.db, origin: a.url, domain: a.domain, clock: systemClock };
  const made = await createGroup(
    ctx,
    { id: dora.id, username: "dora" },
    {
      name: "bakehouse",
      kind: "working_group",
      displayName: "Bakehouse",
      description: "The co-op's bread: rota, flour, recipes.",
      visibility: "public",
      moderated: false,
    },
  );
  assert.ok(made.ok);
  await createMember(a, { username: "cai", password: "password123" });

  // dora (desktop) starts a thread with a picture of the oven and its alt text.
  const anaContext = await newContext(browser);
  const anaPage = await anaContext.newPage();
  await logIn(anaPage, a.url, "dora", "password123");
  await anaPage.goto(`${a.url}/groups/bakehouse`);
  await anaPage.getByText("New thread").click();
  await anaPage.getByLabel("Title").fill("Bread rota for December");
  await anaPage
    .getByLabel("What do you want to say?")
    .fill("Who bakes on which day? The oven is ready from seven.");
  await anaPage.getByText("Images (optional, up to 4)").click();
  await anaPage
    .locator("#f-image_1")
    .setInputFiles({ name: "oven.png", mimeType: "image/png", buffer: await ovenPng() });
  await anaPage.locator("#f-alt_1").fill("The wood-fired oven, its door open, embers glowing");
  await anaPage.getByRole("button", { name: "Post" }).click();
  await anaPage.waitForURL(/\/groups\/bakehouse\/threads\//);
  const rota = anaPage.url();
  assert.equal(
    await anaPage.getByRole("heading", { name: "Bread rota for December", level: 1 }).count(),
    1,
  );
  assert.equal(
    await anaPage.getByAltText("The wood-fired oven, its door open, embers glowing").count(),
    1,
  );
  // And a thread with a poll (a post has images or a poll, as on Mastodon).
  await anaPage.goto(`${a.url}/groups/bakehouse`);
  await anaPage.getByText("New thread").click();
  await anaPage.getByLabel("Title").fill("Which flour next week?");
  await anaPage.getByLabel("What do you want to say?").fill("One sack, one kind. Vote by Friday.");
  await anaPage.getByText("Poll (optional)", { exact: true }).first().click();
  await anaPage.getByLabel("Choice 1").fill("Rye");
  await anaPage.getByLabel("Choice 2").fill("Spelt");
  await anaPage.getByLabel("Choice 3").fill("Wheat");
  await anaPage.getByRole("button", { name: "Post" }).click();
  await anaPage.waitForURL(/\/threads\//);
  const flour = anaPage.url();

  // cai (phone) joins, likes the rota, votes, and replies.
  const caiContext = await newContext(browser, { mobile: true });
  const cai = await caiContext.newPage();
  await logIn(cai, a.url, "cai", "password123");
  await cai.goto(`${a.url}/groups/bakehouse`);
  await cai.getByRole("button", { name: "Join" }).click();
  await cai.waitForURL(/\/groups\/bakehouse\?/);
  await screenshot(cai, "groups-threads-phone");
  await cai.getByRole("link", { name: "Bread rota for December" }).click();
  await cai.waitForURL(rota);
  const rotaPost = cai.locator("article.post").first();
  const beforeLike = cai.url();
  await rotaPost.getByRole("button", { name: "Like" }).click();
  // Liked in place (post-actions.js): the same page, the button flipped.
  await rotaPost.getByRole("button", { name: "Unlike" }).waitFor();
  assert.equal(cai.url(), beforeLike);
  await cai.getByLabel("What do you want to say?").fill("I can bake on Tuesdays and Thursdays.");
  await cai.getByRole("button", { name: "Reply" }).click();
  await cai.waitForURL(/#p-/);
  assert.match(
    (await cai.locator(".group-thread .replies").first().textContent()) ?? "",
    /Tuesdays and Thursdays/,
  );
  await cai.goto(flour);
  await cai.getByLabel("Spelt").check();
  await cai.getByRole("button", { name: "Vote" }).click();
  await cai.waitForURL(new RegExp(`${flour.split("/").pop()}`));
  assert.match((await cai.locator(".poll").first().textContent()) ?? "", /Spelt \(your choice\)/);
  await screenshot(cai, "groups-poll-phone");

  // dora answers cai's reply (nested under it) and sees the like.
  await anaPage.goto(rota);
  const reply = anaPage.locator(".group-thread .replies article.post").first();
  await reply.getByRole("link", { name: "Reply" }).click();
  await anaPage.waitForURL(/reply_to=/);
  assert.equal(await anaPage.getByRole("heading", { name: /Replying to cai/ }).count(), 1);
  await anaPage.getByLabel("What do you want to say?").fill("Perfect, Tuesday is yours.");
  await anaPage.getByRole("button", { name: "Reply" }).click();
  await anaPage.waitForURL(/#p-/);
  assert.match(
    (await anaPage.locator(".replies .replies").first().textContent()) ?? "",
    /Tuesday is yours/,
  );
  assert.match((await anaPage.locator("article.post").first().textContent()) ?? "", /Likes 1/);
  await screenshot(anaPage, "groups-thread-desktop");
  await cai.goto(rota);
  await screenshot(cai, "groups-thread-phone");
  await anaPage.goto(`${a.url}/groups/bakehouse`);
  await screenshot(anaPage, "groups-threads-desktop");

  // cai reports the flour thread: the group's moderators (dora) see it on the management page.
  await cai.goto(flour);
  await cai.locator("article.post").first().getByLabel("More actions").click();
  await cai.locator("article.post").first().getByRole("link", { name: "Report" }).click();
  await cai.getByLabel("What is wrong with it?").fill("We voted on flour last week already.");
  await cai.getByRole("button", { name: "Send report" }).click();
  await cai.waitForURL(/\/threads\/.*done=/);
  await anaPage.goto(`${a.url}/groups/bakehouse/manage`);
  const report = anaPage.locator(".group-reports > li").first();
  assert.match((await report.textContent()) ?? "", /voted on flour last week/);
  await screenshot(anaPage, "groups-manage-report-desktop");
  await report.getByRole("button", { name: "Dismiss" }).click();
  await anaPage.waitForURL(/\/manage\?/);
  assert.equal(await anaPage.locator(".group-reports > li").count(), 0);
  await anaContext.close();
  await caiContext.close();
});
