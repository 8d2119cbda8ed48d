/**
 * The search page in a real browser, at phone and desktop widths: a member
 * searches, opens the filters (no JavaScript needed: <details>), narrows to
 * articles, and opens a result. Screenshots go to test-results/ to be looked at.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { createPost, type PostInput } from "../../src/social/posts.ts";
import { translator } from "../../src/web/i18n/i18n.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { socialOf, startTestNode, type TestNode } from "../support/node.ts";

const t = translator("en");
let node: TestNode;
let browser: Browser;

const input = (text: string, more: Partial<PostInput> = {}): PostInput => ({
  text,
  spoiler: "",
  visibility: "public",
  language: "en",
  sensitive: false,
  inReplyToId: null,
  mentions: [],
  media: [],
  poll: null,
  ...more,
});

before(async () => {
  node = await startTestNode({ host: "127.0.183.1" });
  await node.node.coop.update({ name: "Bakers Co-op" });
  const ann = await createMember(node, { username: "ann", password: "long enough" });
  const bob = await createMember(node, { username: "bob", password: "long enough" });
  const s = socialOf(node);
  const texts: [typeof ann, string, Partial<PostInput>][] = [
    [
      ann,
      "Our sourdough starter is ten years old today. Feed it rye flour and warm water, and it will outlive us all. #bread",
      {},
    ],
    [bob, "Who wants to share the sourdough workshop on Saturday? Bring a jar.", {}],
    [
      ann,
      "How we run the bakery as a co-op: rotas, wages, and why the sourdough sells out by nine. A long read for new members about the way the assembly decides prices and shifts.",
      { kind: "article", title: "Running a sourdough bakery together" },
    ],
    [bob, "La masa madre de la cooperativa cumple diez años.", { language: "es" }],
    [
      ann,
      "Sourdough notes for followers: the hydration went up to 78%.",
      { visibility: "followers" },
    ],
  ];
  for (const [who, text, more] of texts) {
    const made = await createPost(s, who, input(text, more));
    assert.ok(made.ok);
  }
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

for (const mobile of [true, false]) {
  test(`search at ${mobile ? "390" : "1280"} px: results, filters, a result opens`, async () => {
    const page = await (await newContext(browser, { mobile })).newPage();
    await logIn(page, node.url, "bob", "long enough");
    await page
      .getByRole("link", { name: t("search.nav") })
      .first()
      .click();
    await page.getByLabel(t("search.label")).fill("sourdough");
    await page.getByRole("button", { name: t("search.submit"), exact: true }).click();
    await page.waitForURL(/\/search\?q=sourdough/);
    const hits = page.locator(".search-hit");
    assert.equal(await hits.count(), 3, "ann's followers-only post is not bob's to find");
    assert.match(await page.locator(".search-hit mark").first().innerText(), /^sourdough$/i);
    const width = mobile ? 390 : 1280;
    await screenshot(page, `search-results-${width}`);
    assert.ok(
      (await page.evaluate<number>("document.documentElement.scrollWidth")) <= width,
      "no sideways scroll",
    );

    await page.locator(".search-filters summary").click();
    await page.getByLabel(t("search.kind")).selectOption("article");
    await page.getByRole("button", { name: t("search.apply") }).click();
    await page.waitForURL(/kind=article/);
    assert.equal(await page.locator(".search-hit").count(), 1);
    await screenshot(page, `search-filters-${width}`);
    await page.locator(".search-title a").click();
    await page.waitForURL(/\/@ann\//);
    assert.match(await page.locator("main").innerText(), /Running a sourdough bakery together/);
  });
}
