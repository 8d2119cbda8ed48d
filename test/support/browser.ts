/**
 * A real browser for page tests: playwright-core driving Debian's chromium
 * (never a downloaded browser), each launch with a fresh temporary profile. Screenshots go to test-results/ to be looked at.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const resultsDir = join(import.meta.dirname, "..", "..", "test-results");

/** `extraArgs` add to the usual flags (a test's own host mappings, say). */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
}

export async function newContext(
  browser: Browser,
  options: { locale?: string; mobile?: boolean } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    locale: options.locale ?? "en-US",
    extraHTTPHeaders: { "accept-language": options.locale ?? "en-US" },
    viewport: options.mobile ? { width: 390, height: 844 } : { width: 1280, height: 860 },
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}${process.env.TEST_DATABASE_URL ? "-pg" : ""}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Logs a member in through the login page (the form's own field ids, any language). */
export async function logIn(
  page: Page,
  origin: string,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(`${origin}/login`);
  await page.locator("#f-login").fill(username);
  await page.locator("#f-password").fill(password);
  await page.locator("form[action='/login'] button[type=submit]").click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}
