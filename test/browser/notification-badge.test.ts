/**
 * The header's notification badge (issue 23): it counts what is new for the
 * member on every page, in their language, and clears once they have seen their
 * notifications. On a phone and a desktop. Screenshots go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember, type SignedIn, signIn } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
const authors: Record<string, SignedIn> = {};
let ben: SignedIn;
before(async () => {
  node = await startTestNode({ host: "127.0.13.10" });
  await createMember(node, { username: "ann", password: "long enough" });
  const ana = await createMember(node, { username: "ana", password: "long enough" });
  // ana reads Synco in Spanish (her own setting).
  await node.node.db.db
    .updateTable("accounts")
    .set({ language: "es" })
    .where("id", "=", ana.id)
    .execute();
  await createMember(node, { username: "ben", password: "long enough" });
  authors.ann = await signIn(node, "ann", "long enough");
  authors.ana = await signIn(node, "ana", "long enough");
  ben = await signIn(node, "ben", "long enough");
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

async function writes(who: string, text: string): Promise<string> {
  const form = new FormData();
  form.set("visibility", "public");
  form.set("text", text);
  assert.equal((await (authors[who] as SignedIn).postMultipart("/social/posts", form)).status, 303);
  const row = await node.node.db.db
    .selectFrom("posts")
    .select("id")
    .where("source", "=", text)
    .executeTakeFirstOrThrow();
  return row.id;
}

for (const { who, locale, mobile, bell } of [
  { who: "ann", locale: "en", mobile: false, bell: "Notifications" },
  { who: "ana", locale: "es", mobile: true, bell: "Notificaciones" },
]) {
  test(`the badge counts and clears (${locale}, ${mobile ? 390 : 1280} px)`, async () => {
    const context = await newContext(browser, { locale, mobile });
    const page = await context.newPage();
    await logIn(page, node.url, who, "long enough");
    await page.goto(`${node.url}/social`);
    const badge = page.locator("header .bell .unread-badge");
    assert.equal(await badge.count(), 0, "nothing new yet");
    // ben follows them and likes two of their posts: three notifications.
    assert.equal(
      (await ben.post("/network/follow", { uri: `${node.url}/users/${who}` })).status,
      303,
    );
    for (const text of [`Soup by ${who}`, `Bread by ${who}`]) {
      const id = await writes(who, text);
      assert.equal((await ben.post(`/posts/${id}/like`, {})).status, 303);
    }
    await page.goto(`${node.url}/decisions`);
    assert.equal(await badge.textContent(), "3");
    assert.match(
      (await page.locator("header .bell").getAttribute("aria-label")) ?? "",
      new RegExp(`^${bell}, 3 `),
    );
    await screenshot(page, `notification-badge-${locale}-${mobile ? 390 : 1280}`);
    // Seeing them clears the badge; the list still marks what was new.
    await page.locator("header .bell").click();
    await page.waitForURL(/\/notifications$/);
    assert.equal(await page.locator(".notifications li.unread").count(), 3);
    assert.equal(await badge.count(), 0);
    await page.goto(`${node.url}/social`);
    assert.equal(await badge.count(), 0);
    await context.close();
  });
}
