/**
 * A real browser for page tests: playwright-core driving the system's chromium
 * when there is one, else the chromium that the npm package @sparticuz/chromium
 * carries inside itself (nothing is downloaded from elsewhere), each launch with a
 * fresh temporary profile. Screenshots go to test-results/ to be looked at.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const resultsDir = join(import.meta.dirname, "..", "..", "test-results");

/** Debian's chromium package puts the browser here (/usr/bin/chromium is a wrapper script). */
const SYSTEM_CHROMIUM = "/usr/lib/chromium/chromium";

/**
 * CHROMIUM_PATH, else the system's chromium, else the packaged one. The test runner
 * (scripts/test.ts) resolves it once and passes CHROMIUM_PATH on, so test files
 * running side by side do not unpack the packaged browser at the same time.
 */
export async function browserPath(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync(SYSTEM_CHROMIUM)) return "/usr/bin/chromium";
  const packaged = await import("@sparticuz/chromium");
  const path = await packaged.default.executablePath();
  // It unpacks its own fonts beside itself: a machine without fonts still renders text.
  process.env.FONTCONFIG_PATH ??= join(dirname(path), "fonts");
  return path;
}

/** `extraArgs` add to the usual flags (a test's own host mappings, say). */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: await browserPath(),
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
