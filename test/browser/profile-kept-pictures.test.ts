/**
 * The profile form keeps the avatar picked with a refused header, in a real
 * browser (issue 23's gap): the member picks an avatar and a header that is too
 * big and saves; the form names the header's problem and shows the avatar ("no
 * need to pick it again"); with a smaller header picked, the profile is saved
 * with both. English on a desktop, Spanish on a phone (390 px).
 * Screenshots go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import sharp from "sharp";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
const PASSWORD = "password123";

before(async () => {
  node = await startTestNode({ host: "127.0.233.2" });
  await createMember(node, { username: "ana", password: PASSWORD });
  await createMember(node, { username: "bruno", password: PASSWORD });
  // A member's pages are in their own language.
  await node.node.db.db
    .updateTable("accounts")
    .set({ language: "es" })
    .where("username", "=", "bruno")
    .execute();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

const png = (width: number, height: number, background: string) =>
  sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();

async function keepsTheAvatar(
  who: string,
  options: { mobile: boolean; locale: string },
  name: string,
  texts: { kept: RegExp; tooBig: RegExp },
) {
  const page = await (await newContext(browser, options)).newPage();
  await logIn(page, node.url, who, PASSWORD);
  await page.goto(`${node.url}/settings`);
  await page.locator("#f-displayName").fill(`${who} of the bakery`);
  await page.locator("#f-avatar").setInputFiles({
    name: "face.png",
    mimeType: "image/png",
    buffer: await png(200, 200, "#c63"),
  });
  await page.locator("#f-header").setInputFiles({
    name: "huge.png",
    mimeType: "image/png",
    buffer: Buffer.alloc(9 * 1024 * 1024),
  });
  await page.locator('form[action="/settings/profile"] button[type="submit"]').click();
  await page.locator(".errors").waitFor();
  assert.match((await page.locator("#f-header-error").textContent()) ?? "", texts.tooBig);
  // The avatar comes back under its own field, kept; the typed name too.
  const kept = page.locator(".image-field:has(#f-avatar) .kept-image");
  assert.equal(await kept.count(), 1);
  assert.match((await kept.textContent()) ?? "", texts.kept);
  assert.equal(await page.locator(".image-field:has(#f-header) .kept-image").count(), 0);
  assert.equal(await page.locator("#f-displayName").inputValue(), `${who} of the bakery`);
  const width = await page.evaluate<number>("document.documentElement.scrollWidth");
  assert.ok(width <= (options.mobile ? 390 : 1280), `the form is ${width}px wide`);
  await screenshot(page, `profile-kept-avatar-${name}`);

  await page.locator("#f-header").setInputFiles({
    name: "street.png",
    mimeType: "image/png",
    buffer: await png(900, 300, "#36c"),
  });
  await page.locator('form[action="/settings/profile"] button[type="submit"]').click();
  await page.waitForURL(/\/settings\?done=saved$/);
  // Both saved: each field now shows the profile's picture, nothing kept any more.
  assert.equal(await page.locator("img.avatar.preview").count(), 1);
  assert.equal(await page.locator("img.profile-header.preview").count(), 1);
  assert.equal(await page.locator(".kept-image").count(), 0);
  await screenshot(page, `profile-kept-avatar-saved-${name}`);
}

test("a too-big header keeps the avatar picked with it (desktop, English)", async () => {
  await keepsTheAvatar("ana", { mobile: false, locale: "en-US" }, "desktop", {
    kept: /Already uploaded: no need to pick it again\./,
    tooBig: /huge\.png is 9 MB/,
  });
});

test("the same on a phone in Spanish (390 px)", async () => {
  await keepsTheAvatar("bruno", { mobile: true, locale: "es" }, "390-es", {
    kept: /Ya subida: no hace falta elegirla de nuevo\./,
    tooBig: /huge\.png/,
  });
});
