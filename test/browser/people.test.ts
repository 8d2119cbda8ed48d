/**
 * Following a remote author from their page on our node (issue 23, "People and
 * profiles"), with two real Synco nodes (127.0.220.1x): a post by the remote
 * author reaches node A; the member clicks the author, lands on /@user@host,
 * presses Follow; the other node accepts; the button becomes Unfollow and the
 * follower count moves. In English on a desktop and in Spanish on a phone (the
 * member's own language setting). An unknown person gives a 404 page.
 * Screenshots go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { waitFor } from "../../src/federation/testing.ts";
import { translator } from "../../src/web/i18n/i18n.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember, signIn } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

let a: TestNode;
let b: TestNode;
let browser: Browser;
const stops: (() => Promise<void>)[] = [];

before(async () => {
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.220.11" }),
    startTestNode({ host: "127.0.220.12" }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close()]);
});

/** Reloads until the locator shows (the other node answers in the background), with a bound. */
async function reloadUntil(page: Page, visible: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 100; i++) {
    if (await visible()) return;
    await page.waitForTimeout(150); // polling the page, bounded, for the other node's answer
    await page.reload();
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function noSidewaysScroll(page: Page) {
  const overflow = await page.evaluate<number>(
    "document.documentElement.scrollWidth - window.innerWidth",
  );
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
}

for (const { locale, mobile, reader, author } of [
  { locale: "en", mobile: false, reader: "ana", author: "bruno" },
  { locale: "es", mobile: true, reader: "lucia", author: "benito" },
] as const) {
  const t = translator(locale);
  const width = mobile ? 390 : 1280;

  test(`follow a remote author from their page (${locale}, ${width} px)`, async () => {
    const member = await createMember(a, { username: reader, password: "long enough" });
    await a.node.db.db
      .updateTable("accounts")
      .set({ language: locale })
      .where("id", "=", member.id)
      .execute();
    await createMember(b, { username: author, password: "long enough" });
    const writer = await signIn(b, author, "long enough");
    const form = new FormData();
    form.set("visibility", "public");
    form.set("text", `Market day tomorrow, @${reader}@${a.domain}! Bring a basket.`);
    assert.equal((await writer.postMultipart("/social/posts", form)).status, 303);
    const post = await waitFor("the post reaches node A", () =>
      a.node.db.db
        .selectFrom("posts")
        .select("id")
        .where("author_uri", "=", `${b.url}/users/${author}`)
        .executeTakeFirst(),
    );

    const context = await newContext(browser, {
      locale: locale === "es" ? "es-ES" : "en-US",
      mobile,
    });
    const page = await context.newPage();
    await logIn(page, a.url, reader, "long enough");
    await page.goto(`${a.url}/social/federated`);
    const authorLink = page.locator(`#post-${post.id}-author`);
    await authorLink.waitFor();
    await screenshot(page, `people-post-${locale}-${width}`);
    // The author opens here, not on their server.
    await authorLink.click();
    await page.waitForURL(`${a.url}/@${author}@${b.domain}`);
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), author);
    assert.equal(
      (await page.locator(".person-followers").textContent())?.trim(),
      t("people.followers", { n: 0 }),
    );
    assert.equal(
      await page.getByRole("link", { name: new RegExp(t("people.openRemote")) }).count(),
      1,
    );
    await screenshot(page, `people-remote-${locale}-${width}`);
    if (mobile) await noSidewaysScroll(page);

    await page.getByRole("button", { name: t("people.follow"), exact: true }).click();
    await page.waitForURL(/\?done=/);
    assert.match((await page.getByRole("status").first().textContent()) ?? "", new RegExp(author));
    const unfollow = page.getByRole("button", { name: t("people.unfollow"), exact: true });
    await reloadUntil(page, async () => (await unfollow.count()) === 1, "the Accept");
    assert.equal(
      (await page.locator(".person-followers").textContent())?.trim(),
      t("people.followers", { n: 1 }),
    );
    await screenshot(page, `people-followed-${locale}-${width}`);
    if (mobile) await noSidewaysScroll(page);

    // Block asks first, on its own page; Report offers their posts to include.
    await page.getByRole("link", { name: t("people.block"), exact: true }).click();
    assert.equal(
      await page.getByRole("heading", { level: 1 }).textContent(),
      t("people.blockConfirm.title", { name: author }),
    );
    await screenshot(page, `people-block-confirm-${locale}-${width}`);
    await page.getByRole("link", { name: t("people.blockConfirm.cancel") }).click();
    await page.waitForURL(`${a.url}/@${author}@${b.domain}`);
    await page.getByRole("link", { name: t("people.report"), exact: true }).click();
    await page.getByLabel(t("people.report.include")).first().check();
    await page.getByLabel(t("people.report.comment")).fill("Spam");
    await screenshot(page, `people-report-${locale}-${width}`);
    if (mobile) await noSidewaysScroll(page);
    await page.getByRole("button", { name: t("people.report.submit") }).click();
    await page.waitForURL(/\?done=/);
    assert.match(
      (await page.getByRole("status").first().textContent()) ?? "",
      new RegExp(t("people.done.reported", { name: author }).slice(0, 12)),
    );
    const reports = await a.node.db.db.selectFrom("reports").selectAll().execute();
    assert.ok(
      reports.some(
        (r) => r.target_uri === `${b.url}/users/${author}` && r.post_ids.includes(post.id),
      ),
    );
    await context.close();
  });
}

test("an unknown person gives a 404 page, and nothing is followed", async () => {
  await createMember(a, { username: "tomas", password: "long enough" });
  const context = await newContext(browser);
  const page = await context.newPage();
  await logIn(page, a.url, "tomas", "long enough");
  const before = await a.node.db.db.selectFrom("follows").select("id").execute();
  for (const path of [`/@nobody@${b.domain}`, "/@%3Cb%3Ex%3C%2Fb%3E@evil.example"]) {
    const res = await page.goto(`${a.url}${path}`);
    assert.equal(res?.status(), 404, path);
    assert.equal(await page.locator("b").filter({ hasText: "x" }).count(), 0);
  }
  await screenshot(page, "people-unknown-en-1280");
  assert.equal(
    (await a.node.db.db.selectFrom("follows").select("id").execute()).length,
    before.length,
  );
  await context.close();
});
