/**
 * Forms keep what people typed (issue 23), in a real browser, in English on a
 * desktop and in Spanish on a phone: a picked photo over the image limit is named
 * next to its field while the typed post and the other photo stay; a photo
 * already uploaded survives another error and is posted without being picked
 * again. Screenshots go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { launchBrowser, logIn, newContext, openCompose, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
let small: Buffer;
const db = () => node.node.db.db;

before(async () => {
  node = await startTestNode({ host: "127.0.222.10" });
  await createMember(node, { username: "ann", password: "long enough" });
  const ana = await createMember(node, { username: "ana", password: "long enough" });
  await db().updateTable("accounts").set({ language: "es" }).where("id", "=", ana.id).execute();
  small = await sharp({ create: { width: 60, height: 40, channels: 3, background: "#aa6622" } })
    .png()
    .toBuffer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

/** The form's image slots sit in a closed <details> until the member opens it. */
async function openImages(page: Page) {
  const details = page.locator("form.compose details.compose-extra").first();
  if ((await details.getAttribute("open")) === null) await details.locator("summary").click();
}

const cases = [
  {
    who: "ann",
    locale: "en",
    mobile: false,
    tooBig: /^photo\.png is 10\.3 MB; the limit is 8 MB\.$/,
    kept: "Already uploaded",
  },
  {
    who: "ana",
    locale: "es",
    mobile: true,
    tooBig: /^photo\.png ocupa 10,3 MB; el límite es 8 MB\.$/,
    kept: "Ya subida",
  },
];

for (const { who, locale, mobile, tooBig, kept } of cases) {
  const width = mobile ? 390 : 1280;

  test(`an oversized photo keeps the typed post and the other photo (${locale}, ${width} px)`, async () => {
    const context = await newContext(browser, { locale, mobile });
    const page = await context.newPage();
    await logIn(page, node.url, who, "long enough");
    await page.goto(`${node.url}/social`);
    await openCompose(page);
    const text = `Market day with ${who}: bread, jam and a lot of words typed on a phone`;
    await page.locator("#f-text").fill(text);
    await page.locator("#f-spoiler").fill("food");
    await openImages(page);
    const big = Buffer.alloc(Math.round(10.3 * 1024 * 1024));
    await page
      .locator("#f-image_1")
      .setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: big });
    await page.locator("#f-alt_1").fill("the stall");
    await page
      .locator("#f-image_2")
      .setInputFiles({ name: "jam.png", mimeType: "image/png", buffer: small });
    await page.locator("#f-alt_2").fill("a jar of jam");
    const posts = await db().selectFrom("posts").select("id").execute();
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/social/posts")),
      page.locator("form.compose button[type=submit]").click(),
    ]);
    assert.equal(answer.status(), 422);
    await page.waitForLoadState();
    assert.match((await page.locator("#f-image_1-error").textContent()) ?? "", tooBig);
    assert.equal(await page.locator("#f-text").inputValue(), text);
    assert.equal(await page.locator("#f-spoiler").inputValue(), "food");
    assert.equal(await page.locator("#f-alt_1").inputValue(), "the stall");
    // The jam photo was uploaded: shown, not asked for again.
    const jam = page.locator(".kept-image img[alt='a jar of jam']");
    assert.equal(await jam.count(), 1);
    // The kept photo is really served (a broken image has no natural width).
    assert.ok(
      await jam.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0),
    );
    assert.match((await page.locator(".kept-image .hint").textContent()) ?? "", new RegExp(kept));
    assert.equal((await db().selectFrom("posts").select("id").execute()).length, posts.length);
    await page.locator("#f-image_1").scrollIntoViewIfNeeded();
    await screenshot(page, `forms-oversized-${locale}-${width}`);

    // A smaller photo in the first slot; the jam photo comes along from the hidden field.
    await page
      .locator("#f-image_1")
      .setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: small });
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/social"),
      page.locator("form.compose button[type=submit]").click(),
    ]);
    const post = await db()
      .selectFrom("posts")
      .select("id")
      .where("source", "=", text)
      .executeTakeFirstOrThrow();
    const media = await db()
      .selectFrom("post_media")
      .select("description")
      .where("post_id", "=", post.id)
      .orderBy("position")
      .execute();
    assert.deepEqual(
      media.map((m) => m.description),
      ["the stall", "a jar of jam"],
    );
    await context.close();
  });

  test(`an uploaded photo survives another error and is posted without picking it again (${locale}, ${width} px)`, async () => {
    const context = await newContext(browser, { locale, mobile });
    const page = await context.newPage();
    await logIn(page, node.url, who, "long enough");
    await page.goto(`${node.url}/social`);
    await openCompose(page);
    const text = `Our new oven, says ${who}`;
    await page.locator("#f-text").fill(text);
    await openImages(page);
    await page
      .locator("#f-image_1")
      .setInputFiles({ name: "oven.png", mimeType: "image/png", buffer: small });
    // No alt text: the form says so, and keeps the photo.
    await page.locator("form.compose button[type=submit]").click();
    await page.locator("#f-alt_1-error").waitFor();
    assert.equal(await page.locator("#f-text").inputValue(), text);
    assert.equal(await page.locator(".kept-image img").count(), 1);
    await screenshot(page, `forms-kept-${locale}-${width}`);
    await page.locator("#f-alt_1").fill("a brick oven");
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/social"),
      page.locator("form.compose button[type=submit]").click(),
    ]);
    const post = await db()
      .selectFrom("posts")
      .select("id")
      .where("source", "=", text)
      .executeTakeFirstOrThrow();
    const media = await db()
      .selectFrom("post_media")
      .select("description")
      .where("post_id", "=", post.id)
      .execute();
    assert.deepEqual(
      media.map((m) => m.description),
      ["a brick oven"],
    );
    await context.close();
  });
}
