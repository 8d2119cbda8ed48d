import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { launchBrowser, newContext, screenshot } from "../support/browser.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
before(async () => {
  node = await startTestNode();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

test("the shell in English on a desktop: keyboard reaches the skip link, pillars navigate", async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${node.url}/`);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate("document.activeElement?.textContent"), "Skip to content");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate("location.hash"), "#main");
  await screenshot(page, "shell-home-en");
  await page.getByRole("navigation").getByRole("link", { name: "Commons" }).click();
  await page.waitForURL(/\/commons$/);
  assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Commons");
  await context.close();
});

test("the shell in Spanish on a phone fits the screen", async () => {
  const context = await newContext(browser, { locale: "es-ES", mobile: true });
  const page = await context.newPage();
  await page.goto(`${node.url}/decisions`);
  assert.equal(await page.getAttribute("html", "lang"), "es");
  assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Decisiones");
  const overflow = await page.evaluate<number>(
    "document.documentElement.scrollWidth - window.innerWidth",
  );
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await screenshot(page, "shell-decisions-es-mobile");
  await context.close();
});
