/**
 * The main menu in a browser: a member finds the opsroom beside the pillars
 * (issue 21's gap) and, on a phone, where the menu is one row that scrolls
 * sideways, the page's own entry is scrolled into view (issue 23's gap), in
 * English on a desktop and in Spanish on a phone. Every page is audited by axe.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { createAccount } from "../../src/accounts/accounts.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
const PASSWORD = "a long enough password";
before(async () => {
  node = await startTestNode();
  for (const [username, language] of [
    ["mara", "en"],
    ["nuria", "es"],
  ] as const) {
    const made = await createAccount(
      node.node.db.db,
      { username, email: `${username}@example.test`, password: PASSWORD, role: "member", language },
      { passwordCost: node.node.config.passwordCost },
    );
    assert.ok(made.ok);
  }
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

/** The current entry's left and right edges against the menu's visible box, in px. */
const currentInView = (page: Page) =>
  page.evaluate<{ scrolls: boolean; visible: boolean; text: string }>(`(() => {
    const nav = document.querySelector(".site-header > nav");
    const link = nav.querySelector('[aria-current="page"]');
    const box = nav.getBoundingClientRect();
    const at = link.getBoundingClientRect();
    return {
      scrolls: nav.scrollWidth > nav.clientWidth,
      visible: at.left >= box.left - 1 && at.right <= box.right + 1,
      text: link.textContent,
    };
  })()`);

test("a member goes to the opsroom from the main menu (English, desktop)", async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await logIn(page, node.url, "mara", PASSWORD);
  const menu = page.getByRole("navigation", { name: "Main navigation" });
  await menu.getByRole("link", { name: "Opsroom" }).click();
  await page.waitForURL(/\/opsroom$/);
  assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Opsroom");
  assert.equal(
    await menu.getByRole("link", { name: "Opsroom" }).getAttribute("aria-current"),
    "page",
  );
  await screenshot(page, "menu-opsroom-en-1280");
  await context.close();
});

test("on a phone the menu shows the page's own entry, wherever it is in the row (Spanish)", async () => {
  const context = await newContext(browser, { locale: "es-ES", mobile: true });
  const page = await context.newPage();
  await logIn(page, node.url, "nuria", PASSWORD);
  for (const [path, name] of [
    ["/opsroom", "Sala de operaciones"],
    ["/commons", "Procomún"],
    ["/social", "Social"],
  ] as const) {
    await page.goto(`${node.url}${path}`);
    const seen = await currentInView(page);
    assert.equal(seen.text, name);
    assert.ok(seen.scrolls, "the menu is wider than a phone (else this checks nothing)");
    assert.ok(seen.visible, `${name} is scrolled into view on ${path}`);
  }
  await page.goto(`${node.url}/opsroom`);
  const overflow = await page.evaluate<number>(
    "document.documentElement.scrollWidth - window.innerWidth",
  );
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await screenshot(page, "menu-opsroom-es-390");
  await context.close();
});
