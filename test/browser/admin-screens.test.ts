/**
 * Moderation and admin screens in a real browser (issue 23), in English on a
 * desktop and in Spanish on a phone: a group's management page, the reports page
 * and the admin's member list never scroll sideways, even with long names, and
 * keep every member's actions on screen; banning goes through its confirmation
 * page (no JavaScript) and the ban then names people, not addresses.
 * Screenshots go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember, type SignedIn, signIn } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
const db = () => node.node.db.db;
const LONG_NAME = "Bartholomew Featherstonehaugh-Cholmondeley of Llanfairpwllgwyngyll";

before(async () => {
  node = await startTestNode({ host: "127.0.222.40" });
  await createMember(node, { username: "ada", password: "long enough", role: "admin" });
  const alba = await createMember(node, {
    username: "alba",
    password: "long enough",
    role: "admin",
  });
  await db().updateTable("accounts").set({ language: "es" }).where("id", "=", alba.id).execute();
  const people: Record<string, SignedIn> = {};
  for (const name of ["bartholomew_featherstonehaugh", "carla", "maria"]) {
    await createMember(node, { username: name, password: "long enough" });
    people[name] = await signIn(node, name, "long enough");
  }
  await db()
    .updateTable("accounts")
    .set({ display_name: LONG_NAME })
    .where("username", "=", "bartholomew_featherstonehaugh")
    .execute();
  const ada = await signIn(node, "ada", "long enough");
  const alb = await signIn(node, "alba", "long enough");
  assert.equal(
    (
      await ada.post("/groups", {
        kind: "working_group",
        name: "bakers",
        displayName: "Bakers",
        visibility: "public",
      })
    ).status,
    303,
  );
  assert.equal((await alb.post("/groups/bakers/join", {})).status, 303);
  for (const who of Object.values(people))
    assert.equal((await who.post("/groups/bakers/join", {})).status, 303);
  // alba moderates the group too, so the Spanish admin sees the same page.
  const albaRow = await db()
    .selectFrom("group_members")
    .select("id")
    .where("account_id", "=", alba.id)
    .executeTakeFirstOrThrow();
  assert.equal(
    (await ada.post(`/groups/bakers/members/${albaRow.id}/role`, { role: "admin" })).status,
    303,
  );
  // maria reports a post of the member with the long name.
  const form = new FormData();
  form.set("visibility", "public");
  form.set("text", "Selling https://example.org/a-very-long-address-that-would-push-the-page-wide");
  const writer = people.bartholomew_featherstonehaugh as SignedIn;
  assert.equal((await writer.postMultipart("/social/posts", form)).status, 303);
  const post = await db().selectFrom("posts").select("id").executeTakeFirstOrThrow();
  assert.equal(
    (
      await (people.maria as SignedIn).post(`/posts/${post.id}/report`, {
        comment: "Advertising: https://example.org/another-very-long-address-without-spaces-at-all",
      })
    ).status,
    303,
  );
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

/** The page is no wider than the window, and each of these is fully inside it. */
async function fitsWidth(page: Page, what: string, selector: string) {
  // Runs in the page: the window's globals, typed by hand (no DOM types in this project).
  type Box = { left: number; right: number };
  type Doc = {
    documentElement: { scrollWidth: number };
    querySelectorAll(s: string): Iterable<{ getBoundingClientRect(): Box }>;
  };
  const { scroll, inner, outside } = await page.evaluate((sel) => {
    const win = globalThis as unknown as { document: Doc; innerWidth: number };
    const inner = win.innerWidth;
    const outside = [...win.document.querySelectorAll(sel)]
      .map((el) => el.getBoundingClientRect())
      .filter((r) => r.left < 0 || r.right > inner).length;
    return { scroll: win.document.documentElement.scrollWidth, inner, outside };
  }, selector);
  assert.ok(scroll <= inner, `${what}: the page is ${scroll} px wide in a ${inner} px window`);
  assert.equal(outside, 0, `${what}: ${outside} of ${selector} reach outside the window`);
}

const cases = [
  { who: "ada", locale: "en", mobile: false, bans: "carla", banned: /banned by/ },
  { who: "alba", locale: "es", mobile: true, bans: "maria", banned: /vetado por/ },
];

for (const { who, locale, mobile, bans, banned } of cases) {
  const width = mobile ? 390 : 1280;
  test(`management, reports and members fit the screen; banning asks first (${locale}, ${width} px)`, async () => {
    const context = await newContext(browser, { locale, mobile });
    const page = await context.newPage();
    await logIn(page, node.url, who, "long enough");
    await page.goto(`${node.url}/groups/bakers/manage`);
    await fitsWidth(page, "manage", ".member-card .actions .button, .member-card .actions button");
    assert.ok(
      (await page.locator(".member-card .actor-chip", { hasText: LONG_NAME }).count()) > 0,
      "the member with the long name is shown by name",
    );
    await screenshot(page, `admin-screens-manage-${locale}-${width}`);

    await page.goto(`${node.url}/moderation`);
    await fitsWidth(page, "reports", ".report .actions .button, .report .actions button");
    assert.equal(await page.locator(".report .actor-chip[href='/@maria']").count(), 1);
    assert.equal(await page.locator(".report .reported-post").count(), 1);
    await screenshot(page, `admin-screens-reports-${locale}-${width}`);

    await page.goto(`${node.url}/admin/members`);
    await fitsWidth(page, "members", "table.members button");
    await screenshot(page, `admin-screens-members-${locale}-${width}`);

    // Ban through the confirmation page: nothing happens until it is confirmed.
    await page.goto(`${node.url}/groups/bakers/manage`);
    const bansBefore = (await db().selectFrom("group_bans").selectAll().execute()).length;
    const card = page.locator(".member-card", { has: page.locator(`a[href='/@${bans}']`) });
    await card.locator("a.button.danger").click();
    await page.waitForURL(/\/members\/[^/]+\/ban$/);
    assert.equal((await db().selectFrom("group_bans").selectAll().execute()).length, bansBefore);
    await fitsWidth(page, "ban confirmation", ".confirm .actions > *");
    await screenshot(page, `admin-screens-ban-confirm-${locale}-${width}`);
    await page.locator("#f-reason").fill("Rude to others");
    await Promise.all([
      page.waitForURL(/\/groups\/bakers\/manage/),
      page.locator(".confirm button[type=submit]").click(),
    ]);
    const ban = page.locator(".bans .member-card", { has: page.locator(`a[href='/@${bans}']`) });
    assert.equal(await ban.count(), 1);
    assert.match((await ban.textContent()) ?? "", banned);
    assert.doesNotMatch((await ban.textContent()) ?? "", /http:\/\//);
    await fitsWidth(page, "manage after the ban", ".member-card .actions button");
    await context.close();
  });
}
