/**
 * Acting on a post keeps one's place (issue 23): far down the local timeline,
 * liking a post flips its button and count in place without moving the page
 * (post-actions.js); without JavaScript the form posts and the server answers
 * with the same page at the post's anchor. In English on a desktop and in
 * Spanish on a phone. Screenshots go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { translator } from "../../src/web/i18n/i18n.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember, signIn } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
const ids: string[] = [];
before(async () => {
  node = await startTestNode({ host: "127.0.13.9" });
  await createMember(node, { username: "ann", password: "long enough" });
  await createMember(node, { username: "bea", password: "long enough" });
  const cira = await createMember(node, { username: "cira", password: "long enough" });
  // cira reads Synco in Spanish (a member's own setting wins over the browser's).
  await node.node.db.db
    .updateTable("accounts")
    .set({ language: "es" })
    .where("id", "=", cira.id)
    .execute();
  const ann = await signIn(node, "ann", "long enough");
  for (let i = 1; i <= 30; i++) {
    const form = new FormData();
    form.set("visibility", "public");
    form.set("text", `Market note number ${i}: apples, pears and a long line about the weather.`);
    assert.equal((await ann.postMultipart("/social/posts", form)).status, 303);
  }
  const rows = await node.node.db.db
    .selectFrom("posts")
    .select("id")
    .orderBy("id", "desc")
    .execute();
  ids.push(...rows.map((r) => r.id));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

const likeCount = (page: Page, id: string) =>
  page.locator(`#post-${id} .act-like + .act-count`).textContent();

for (const { locale, mobile } of [
  { locale: "en", mobile: false },
  { locale: "es", mobile: true },
]) {
  const t = translator(locale as "en" | "es");
  const width = mobile ? 390 : 1280;

  test(`liking far down the timeline keeps the place (${locale}, ${width} px)`, async () => {
    const context = await newContext(browser, { locale, mobile });
    const page = await context.newPage();
    await logIn(page, node.url, locale === "en" ? "bea" : "cira", "long enough");
    await page.goto(`${node.url}/social/local`);
    const target = ids[locale === "en" ? 17 : 18] as string;
    const post = page.locator(`#post-${target}`);
    await post.scrollIntoViewIfNeeded();
    const y = await page.evaluate<number>("window.scrollY");
    assert.ok(y > 1500, `the post is far down (${y} px)`);
    assert.equal(await likeCount(page, target), "0");
    await post.getByRole("button", { name: t("social.like"), exact: true }).click();
    await post.getByRole("button", { name: t("social.unlike"), exact: true }).waitFor();
    assert.equal(await likeCount(page, target), "1");
    assert.equal(await page.evaluate<number>("window.scrollY"), y, "the page did not move");
    assert.equal(new URL(page.url()).pathname, "/social/local");
    await screenshot(page, `act-in-place-${locale}-${width}`);
    // It was done on the server, not only on the page.
    await page.reload();
    assert.equal(await likeCount(page, target), "1");
    assert.equal(
      await page.locator(`#post-${target} .act-like`).getAttribute("aria-pressed"),
      "true",
    );
    // Undo in place as well.
    await page
      .locator(`#post-${target}`)
      .getByRole("button", { name: t("social.unlike"), exact: true })
      .click();
    await page
      .locator(`#post-${target}`)
      .getByRole("button", { name: t("social.like"), exact: true })
      .waitFor();
    assert.equal(await likeCount(page, target), "0");
    await context.close();
  });
}

test("without JavaScript, liking returns to the same page at the post", async () => {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 390, height: 844 },
  });
  const page = await context.newPage();
  await logIn(page, node.url, "bea", "long enough");
  await page.goto(`${node.url}/social/local`);
  const target = ids[15] as string;
  const post = page.locator(`#post-${target}`);
  await post.scrollIntoViewIfNeeded();
  await post.getByRole("button", { name: "Like", exact: true }).click();
  await page.waitForURL((url) => url.hash === `#post-${target}`);
  assert.equal(new URL(page.url()).pathname, "/social/local");
  assert.equal(await likeCount(page, target), "1");
  const box = await page.locator(`#post-${target}`).boundingBox();
  assert.ok(box && box.y >= -1 && box.y < 844, `the post is in view (y = ${box?.y})`);
  await context.close();
});
