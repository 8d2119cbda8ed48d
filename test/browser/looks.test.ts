/**
 * Issue 23's looks: the co-op's front page after login (what needs me, what is new,
 * the timeline; compose folded into a "New post" button on a phone; suggestions on
 * an empty home), login landing there, the menu with Groups, and every main page at
 * 390 px and 1280 px fitting the screen, in English and Spanish. Every page loaded is
 * checked by axe-core (test/support/browser.ts); one test shows that check bites.
 * Screenshots go to test-results/looks-*.png.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { createDecision } from "../../src/governance/decisions/decisions.ts";
import { sweepDecisions } from "../../src/governance/decisions/sweep.ts";
import { createGroup } from "../../src/groups/groups.ts";
import { joinGroup } from "../../src/groups/memberships.ts";
import { systemClock } from "../../src/kernel/clock.ts";
import { translator } from "../../src/web/i18n/i18n.ts";
import {
  assertNoAxeViolations,
  auditPage,
  launchBrowser,
  logIn,
  newContext,
  screenshot,
} from "../support/browser.ts";
import { createMember, signIn } from "../support/login.ts";
import { socialOf, startTestNode, type TestNode } from "../support/node.ts";

const PASSWORD = "long enough";
let node: TestNode;
let browser: Browser;

before(async () => {
  node = await startTestNode({ host: "127.0.223.1" });
  const ann = await createMember(node, { username: "ann", password: PASSWORD, role: "admin" });
  const bea = await createMember(node, { username: "bea", password: PASSWORD });
  await createMember(node, { username: "nia", password: PASSWORD });
  await node.node.db.db
    .updateTable("accounts")
    .set({ language: "es" })
    .where("id", "=", bea.id)
    .execute();
  const ctx = { ...socialOf(node), clock: systemClock };
  const garden = await createGroup(ctx, ann, {
    name: "garden",
    kind: "working_group",
    displayName: "Community garden",
    visibility: "public",
    moderated: false,
  });
  assert.ok(garden.ok);
  assert.ok((await joinGroup(ctx, bea, { group: garden.value })).ok);
  const decision = await createDecision(ctx, ann, {
    group: garden.value,
    proposal: {
      title: "Plant a fruit hedge along the fence",
      rule: "consent",
      closesAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    },
  });
  assert.ok(decision.ok);
  await sweepDecisions(ctx);
  const annSession = await signIn(node, "ann", PASSWORD);
  for (let i = 1; i <= 6; i++) {
    const form = new FormData();
    form.set("visibility", "public");
    form.set("text", `Bread note ${i}: rye, spelt and a long line about the oven's temperature.`);
    assert.equal((await annSession.postMultipart("/social/posts", form)).status, 303);
  }
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

async function member(username: string, mobile: boolean): Promise<Page> {
  const context = await newContext(browser, { mobile });
  const page = await context.newPage();
  await logIn(page, node.url, username, PASSWORD);
  return page;
}

const overflow = (page: Page) =>
  page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");

for (const { who, locale, mobile } of [
  { who: "ann", locale: "en" as const, mobile: false },
  { who: "bea", locale: "es" as const, mobile: true },
]) {
  const t = translator(locale);
  const width = mobile ? 390 : 1280;

  test(`after login the front page: needs me, what is new, the timeline (${locale}, ${width} px)`, async () => {
    const page = await member(who, mobile);
    assert.equal(new URL(page.url()).pathname, "/", "members land on the front page");
    const needs = page.getByRole("region", { name: t("front.needs") });
    await needs.getByRole("link", { name: "Plant a fruit hedge along the fence" }).waitFor();
    const fresh = page.getByRole("region", { name: t("front.new") });
    assert.match((await fresh.textContent()) ?? "", /Plant a fruit hedge/);
    const timeline = page.getByRole("region", { name: t("front.timeline") });
    assert.equal(await timeline.locator("article.post").count(), who === "ann" ? 6 : 0);
    // The menu names Groups beside the pillars.
    await page
      .getByRole("navigation", { name: t("site.menu") })
      .getByRole("link", { name: t("pillar.groups") })
      .waitFor();
    // Dates are relative, with the exact moment as the title.
    if (who === "ann") {
      const time = timeline.locator("article.post time").first();
      assert.match((await time.textContent()) ?? "", /^(now|\d+ min)$/);
      assert.ok((await time.getAttribute("title"))?.match(/\d\d:\d\d/));
    }
    const text = page.getByLabel(t("social.compose.text"));
    if (mobile) {
      // On a phone the compose form waits behind a "New post" button.
      assert.equal(await text.isVisible(), false);
      await page.getByText(t("front.newPost"), { exact: true }).click();
    }
    await text.waitFor({ state: "visible" });
    assert.ok((await overflow(page)) <= 0, "the page fits the screen");
    await screenshot(page, `looks-front-${locale}-${width}`);
    await page.context().close();
  });
}

test("an empty home suggests members and groups to follow", async () => {
  const t = translator("en");
  const page = await member("nia", true);
  const suggest = page.getByRole("region", { name: t("front.suggest") });
  await suggest.getByRole("link", { name: "ann" }).waitFor();
  await suggest.getByRole("link", { name: "Community garden" }).waitFor();
  await screenshot(page, "looks-front-empty-390");
  await page.context().close();
});

test("a visitor's front page lists every part of the node, each working", async () => {
  const t = translator("en");
  const page = await (await newContext(browser)).newPage();
  await page.goto(`${node.url}/`);
  for (const key of [
    "pillar.social",
    "pillar.groups",
    "pillar.media",
    "pillar.decisions",
  ] as const) {
    const link = page.locator(".pillar-cards").getByRole("link", { name: t(key), exact: true });
    const href = (await link.getAttribute("href")) ?? "";
    const res = await page.request.get(`${node.url}${href}`);
    assert.equal(res.status(), 200, `${href} works`);
  }
  assert.equal(await page.getByText(t("pillar.coming")).count(), 0, "nothing is marked coming");
  await screenshot(page, "looks-visitor-1280");
  await page.context().close();
});

const pages = [
  "/",
  "/social",
  "/social/local",
  "/groups",
  "/groups/garden",
  "/media",
  "/decisions",
  "/budgets",
  "/economy",
  "/opsroom",
  "/commons",
  "/notifications",
  "/settings",
  "/admin",
  "/@ann",
  "/search?q=bread",
];

for (const mobile of [true, false]) {
  const width = mobile ? 390 : 1280;
  test(`the main pages fit the screen at ${width} px`, async () => {
    const page = await member("ann", mobile);
    for (const path of pages) {
      const res = await page.goto(`${node.url}${path}`);
      assert.equal(res?.status(), 200, path);
      assert.ok((await overflow(page)) <= 0, `${path} is wider than ${width} px`);
      if (path === "/social")
        assert.equal(
          await page.locator("#f-text").isVisible(),
          !mobile,
          "the compose form is open on a wide screen, behind New post on a phone",
        );
      await screenshot(
        page,
        `looks-${path.replace(/[^a-z]+/g, "-").replace(/^-|-$/g, "") || "home"}-${width}`,
      );
    }
    await page.context().close();
    const visitor = await (await newContext(browser, { mobile, locale: "es-ES" })).newPage();
    for (const path of ["/", "/login", "/signup"]) {
      await visitor.goto(`${node.url}${path}`);
      assert.ok((await overflow(visitor)) <= 0, `${path} is wider than ${width} px`);
      await screenshot(visitor, `looks-visitor-${path.replace(/\W+/g, "") || "home"}-es-${width}`);
    }
    await visitor.context().close();
  });
}

test("the dark scheme: the front page and a thread, with contrast checked by axe", async () => {
  const context = await newContext(browser, { dark: true, mobile: true });
  const page = await context.newPage();
  await logIn(page, node.url, "ann", PASSWORD);
  const background = await page.evaluate<string>(
    "getComputedStyle(document.documentElement).backgroundColor",
  );
  assert.equal(background, "rgb(23, 20, 18)", "the dark paper");
  await screenshot(page, "looks-front-dark-390");
  await page.goto(`${node.url}/groups/garden`);
  await screenshot(page, "looks-group-dark-390");
  await context.close();
});

test("the accessibility check fails a page with a violation", async () => {
  const page = await (await newContext(browser)).newPage();
  await page.goto(`${node.url}/login`);
  await assertNoAxeViolations();
  // An image with no text alternative, added to a page that had no violation.
  await page.evaluate(
    "document.querySelector('main').append(Object.assign(document.createElement('img'), { src: '/nothing.png' }))",
  );
  await auditPage(page);
  await assert.rejects(
    assertNoAxeViolations(),
    /image-alt .* on http:\/\/127\.0\.223\.1:\d+\/login/,
  );
  await page.context().close();
});
