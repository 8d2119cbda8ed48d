/**
 * The admin checklist on /admin after the first start (issue 23), in a real
 * browser, in English on a desktop and in Spanish on a phone: nothing is ticked
 * on a new node; naming the co-op, writing its rules, choosing who can join and
 * making the first invite tick one step each, read from the data. A bad save
 * (no name) answers 422 and ticks nothing. Screenshots go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
const db = () => node.node.db.db;

before(async () => {
  node = await startTestNode({ host: "127.0.222.20" });
  await createMember(node, { username: "rosa", password: "long enough", role: "admin" });
  const raiz = await createMember(node, {
    username: "raiz",
    password: "long enough",
    role: "admin",
  });
  await db().updateTable("accounts").set({ language: "es" }).where("id", "=", raiz.id).execute();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

const ticked = async (page: Page) =>
  page
    .locator(".setup-checklist li")
    .evaluateAll((items) =>
      items.filter((li) => li.classList.contains("done")).map((li) => li.getAttribute("data-step")),
    );

const cases = [
  { who: "rosa", locale: "en", mobile: false, progress: /0 of 4 done/, save: "Save" },
  { who: "raiz", locale: "es", mobile: true, progress: /0 de 4 hechos/, save: "Guardar" },
];

for (const { who, locale, mobile, progress, save } of cases) {
  const width = mobile ? 390 : 1280;
  test(`the checklist goes from unticked to ticked as an admin does the steps (${locale}, ${width} px)`, async () => {
    // Each run starts from a new node's state: no settings saved, no invites.
    await db().deleteFrom("settings").where("key", "like", "coop.%").execute();
    await db().deleteFrom("invites").execute();
    const context = await newContext(browser, { locale, mobile });
    const page = await context.newPage();
    await logIn(page, node.url, who, "long enough");
    await page.goto(`${node.url}/admin`);
    assert.match((await page.locator(".setup-checklist summary").textContent()) ?? "", progress);
    assert.deepEqual(await ticked(page), []);
    assert.equal(await page.locator(".setup-checklist").getAttribute("open"), "");
    await screenshot(page, `admin-checklist-before-${locale}-${width}`);

    // The rules step's link leads to the rules field.
    await page.locator(".setup-checklist li[data-step=rules] a").click();
    await page.waitForURL(/\/admin#f-rules$/);
    // A save without a name is refused and ticks nothing.
    await page.locator("#f-name").fill("");
    await page.locator("#f-rules").fill("Be kind.");
    await page.locator("#f-name").evaluate((el) => el.removeAttribute("required"));
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/admin") && r.request().method() === "POST"),
      page.getByRole("button", { name: save, exact: true }).click(),
    ]);
    assert.equal(refused.status(), 422);
    await page.goto(`${node.url}/admin`);
    assert.deepEqual(await ticked(page), []);

    await page.locator("#f-name").fill("Panadería La Espiga");
    await page.locator("#f-rules").fill("Be kind.\n\nNo ads.");
    await page.locator("#registration input[value=invite]").check();
    await Promise.all([
      page.waitForURL(/\/admin\?done=saved/),
      page.getByRole("button", { name: save, exact: true }).click(),
    ]);
    assert.deepEqual(await ticked(page), ["name", "rules", "registration"]);

    await page.locator(".setup-checklist li[data-step=invite] a").click();
    await page.waitForURL(/\/admin\/invites$/);
    await page.locator("form[action='/admin/invites'] button[type=submit]").click();
    await page.waitForLoadState();
    await page.goto(`${node.url}/admin`);
    assert.deepEqual(await ticked(page), ["name", "rules", "registration", "invite"]);
    // All done: the list folds away.
    assert.equal(await page.locator(".setup-checklist").getAttribute("open"), null);
    await page.locator(".setup-checklist summary").click();
    await screenshot(page, `admin-checklist-after-${locale}-${width}`);
    await context.close();
  });
}
