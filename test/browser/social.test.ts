/**
 * Following and replying across two nodes in a real browser: bob (node B) finds
 * ann (node A) by handle and follows her; ann posts from the compose form; the
 * post reaches bob's home timeline; bob replies from the thread page; ann sees
 * the reply notification and the thread. Screenshots go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { waitFor } from "../../src/federation/testing.ts";
import { translator } from "../../src/web/i18n/i18n.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

const t = translator("en");
let a: TestNode;
let b: TestNode;
let browser: Browser;
const stops: (() => Promise<void>)[] = [];

before(async () => {
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.13.1" }),
    startTestNode({ host: "127.0.13.2" }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  await a.node.coop.update({ name: "Bakers Co-op" });
  await b.node.coop.update({ name: "Growers Co-op" });
  await createMember(a, { username: "ann", password: "long enough" });
  await createMember(b, { username: "bob", password: "long enough" });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close()]);
});

test("bob follows ann across nodes, sees her post and replies; ann sees the reply", async () => {
  const bobPage = await (await newContext(browser)).newPage();
  const annPage = await (await newContext(browser)).newPage();
  await logIn(bobPage, b.url, "bob", "long enough");
  await logIn(annPage, a.url, "ann", "long enough");

  // bob finds ann by handle and follows her.
  await bobPage.goto(`${b.url}/network`);
  await bobPage.getByLabel(t("network.search.label")).fill(`@ann@${a.domain}`);
  await bobPage.getByRole("button", { name: t("network.search.submit") }).click();
  await bobPage.getByRole("button", { name: t("network.follow"), exact: true }).click();
  await waitFor("ann's node accepts the follow", async () => {
    const row = await b.node.db.db.selectFrom("follows").select("status").executeTakeFirst();
    return row?.status === "accepted";
  });

  // ann writes a post with the compose form on the social page.
  await annPage.goto(`${a.url}/social`);
  await annPage
    .getByLabel(t("social.compose.text"))
    .fill("Fresh rye bread at the market today! #bread");
  await annPage.getByLabel(t("social.compose.spoiler")).fill("");
  await annPage.getByRole("button", { name: t("social.compose.submit") }).click();
  await annPage
    .getByRole("status")
    .filter({ hasText: t("social.posted") })
    .waitFor();
  await screenshot(annPage, "social-1-ann-posted");

  // It reaches bob's home timeline.
  await waitFor("bob's node has the post", async () =>
    b.node.db.db.selectFrom("posts").select("id").where("local", "=", 0).executeTakeFirst(),
  );
  await bobPage.goto(`${b.url}/social`);
  const post = bobPage.getByRole("article").filter({ hasText: "Fresh rye bread" });
  await post.waitFor();
  await screenshot(bobPage, "social-2-bob-home");

  // bob replies from the thread page.
  await post.getByRole("link", { name: t("social.reply") }).click();
  const text = bobPage.getByLabel(t("social.compose.text"));
  assert.equal(await text.inputValue(), `@ann@${a.domain} `, "the reply starts with ann's handle");
  await text.fill(`@ann@${a.domain} I'll come by for two loaves!`);
  await bobPage.getByRole("button", { name: t("social.compose.reply") }).click();
  await bobPage.getByText("I'll come by for two loaves!").waitFor();
  await screenshot(bobPage, "social-3-bob-thread");

  // ann is notified and sees the reply under her post.
  await waitFor("ann's node has the reply", async () =>
    a.node.db.db.selectFrom("posts").select("id").where("local", "=", 0).executeTakeFirst(),
  );
  await annPage.goto(`${a.url}/notifications`);
  await annPage.getByText(/replied to you/).waitFor();
  await screenshot(annPage, "social-4-ann-notifications");
  // The notice quotes the reply, and the quote leads to it.
  await annPage
    .getByRole("link", { name: /I'll come by for two loaves!/ })
    .first()
    .click();
  await annPage.getByText("I'll come by for two loaves!").waitFor();
  await annPage.getByText("Fresh rye bread at the market today!").first().waitFor();
  await screenshot(annPage, "social-5-ann-thread");

  // The same thread on a phone.
  const phone = await (await newContext(browser, { mobile: true })).newPage();
  await logIn(phone, a.url, "ann", "long enough");
  await phone.goto(annPage.url());
  const overflow = await phone.evaluate<number>(
    "document.documentElement.scrollWidth - window.innerWidth",
  );
  assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px)`);
  await screenshot(phone, "social-6-phone-thread");
});
