/**
 * The newsletter pages in a real browser (system chromium): a visitor on a
 * phone subscribes through the form and gets the "check your inbox" page; the
 * writer on a desktop sees the counts, the send form and how far a send got;
 * the page on a node without SMTP explains why there is no form. Screenshots at
 * 390 and 1280 px go to test-results/ to be looked at.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { waitFor } from "../../src/federation/testing.ts";
import { createPost, textPost } from "../../src/social/posts.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { socialOf, startTestNode, type TestNode } from "../support/node.ts";
import { decodeQuotedPrintable, type SmtpSink, startSmtpSink } from "../support/smtp-sink.ts";

let node: TestNode;
let bare: TestNode;
let sink: SmtpSink;
let browser: Browser;
let stopWorker: () => Promise<void>;

before(async () => {
  sink = await startSmtpSink("127.0.73.1");
  node = await startTestNode({ host: "127.0.73.1", env: { SYNCO_SMTP_URL: sink.url } });
  bare = await startTestNode({ host: "127.0.73.2" });
  stopWorker = await node.node.startWorker();
  const ana = await createMember(node, { username: "ana", password: "long enough" });
  await node.node.db.db
    .updateTable("accounts")
    .set({ display_name: "Ana Martínez" })
    .where("id", "=", ana.id)
    .execute();
  await createMember(bare, { username: "cy", password: "long enough" });
  for (const text of ["Our bakery opens on Monday", "Minutes of the bread assembly"])
    await createPost(socialOf(node), ana, { ...textPost(text), visibility: "public" });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stopWorker();
  await node.close();
  await bare.close();
  await sink.close();
});

test("a visitor subscribes on a phone; the confirm link confirms", async () => {
  const context = await newContext(browser, { mobile: true });
  const page = await context.newPage();
  await page.goto(`${node.url}/@ana/newsletter`);
  await screenshot(page, "newsletter-subscribe-390");
  await page.locator("#f-email").fill("reader@example.test");
  await page.locator("form[action='/@ana/newsletter'] button[type=submit]").click();
  await page.waitForSelector("text=Check your inbox");
  await screenshot(page, "newsletter-check-inbox-390");
  await waitFor("the confirm mail", () => sink.messages.length === 1);
  const link = /(http:\/\/\S+\/newsletters\/confirm\/[A-Za-z0-9_.-]+)/.exec(
    decodeQuotedPrintable(sink.messages[0]?.text ?? ""),
  )?.[1];
  assert.ok(link);
  await page.goto(link);
  await screenshot(page, "newsletter-confirm-390");
  await page.locator("form button[type=submit]").click();
  await page.waitForSelector("text=Subscribed");
  await screenshot(page, "newsletter-confirmed-390");
  await context.close();
});

test("the writer sends a post by email from a desktop and sees the send's progress", async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await logIn(page, node.url, "ana", "long enough");
  await page.goto(`${node.url}/@ana/newsletter`);
  await page.locator("form[action='/@ana/newsletter/send'] button[type=submit]").click();
  await page.waitForSelector("text=Queued for 1 subscriber.");
  await waitFor("the newsletter mail, marked sent", async () => {
    const rows = await node.node.db.db
      .selectFrom("newsletter_deliveries")
      .select("state")
      .execute();
    return sink.messages.length === 2 && rows.every((r) => r.state === "sent");
  });
  await page.goto(`${node.url}/@ana/newsletter`);
  assert.match(await page.content(), /1 of 1 sent/);
  await screenshot(page, "newsletter-owner-1280");
  const mobile = await newContext(browser, { mobile: true });
  const phone = await mobile.newPage();
  await logIn(phone, node.url, "ana", "long enough");
  await phone.goto(`${node.url}/@ana/newsletter`);
  await screenshot(phone, "newsletter-owner-390");
  await mobile.close();
  await context.close();
});

test("without SMTP the page explains itself (Spanish, desktop)", async () => {
  const context = await newContext(browser, { locale: "es-ES" });
  const page = await context.newPage();
  await page.goto(`${bare.url}/@cy/newsletter`);
  assert.match(await page.content(), /no tiene configurado un servidor de correo saliente/);
  await screenshot(page, "newsletter-no-smtp-es-1280");
  await context.close();
});
