/**
 * A real browser for page tests: playwright-core driving the system's chromium
 * when there is one, else the chromium that the npm package @sparticuz/chromium
 * carries inside itself (nothing is downloaded from elsewhere), each launch with a
 * fresh temporary profile. Screenshots go to test-results/ to be looked at.
 * Every page of ours that a test loads is checked with axe-core (see below).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterEach } from "node:test";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const resultsDir = join(import.meta.dirname, "..", "..", "test-results");

/**
 * Debian's chromium package puts the browser here. /usr/bin/chromium is a wrapper
 * script that adds Debian's default flags (remote extensions loaded, GPU
 * rasterization): the same browser run directly took ~18 % less CPU per browser test.
 */
const SYSTEM_CHROMIUM = "/usr/lib/chromium/chromium";

/**
 * CHROMIUM_PATH, else the system's chromium, else the packaged one. The test runner
 * (scripts/test.ts) resolves it once and passes CHROMIUM_PATH on, so test files
 * running side by side do not unpack the packaged browser at the same time.
 */
export async function browserPath(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  const packaged = await import("@sparticuz/chromium");
  const path = await packaged.default.executablePath();
  // It unpacks its own fonts beside itself: a machine without fonts still renders text.
  process.env.FONTCONFIG_PATH ??= join(dirname(path), "fonts");
  return path;
}

/** `extraArgs` add to the usual flags (a test's own host mappings, say). */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  const browser = await chromium.launch({
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
  const open = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await open(options);
    // Without JavaScript axe cannot run in the page (an evaluation would never return);
    // such tests visit pages that other tests, with JavaScript, audit.
    if (options?.javaScriptEnabled !== false) auditEachLoad(context);
    return context;
  };
  return browser;
}

export async function newContext(
  browser: Browser,
  options: { locale?: string; mobile?: boolean; dark?: boolean } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    colorScheme: options.dark ? "dark" : "light",
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

// ---- accessibility: axe-core on every page a browser test loads ----
//
// Every context a test makes (launchBrowser wraps browser.newContext) audits each page
// of ours after it loads, with axe-core's default rules (WCAG 2.x A and AA plus best
// practices). After each test the audits are awaited and any violation fails it with
// the rule, the elements and the page's address. A page that navigates away before its
// audit finishes is audited at its next load instead; pages of other origins (a client
// app under test, say) are not ours to judge.

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);
const pendingAudits = new Set<Promise<void>>();
const violations: string[] = [];

interface AxeViolation {
  id: string;
  help: string;
  nodes: string[];
}

/** Our nodes listen on loopback addresses (test/support/node.ts). */
function isOurs(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return protocol === "http:" && (hostname.startsWith("127.") || hostname === "localhost");
  } catch {
    return false;
  }
}

/**
 * Errors that mean the page went away mid-audit, not that the audit failed; or that
 * an audit of the same document is already under way (two load events), which reports.
 */
function isGone(error: unknown): boolean {
  const text = String(error);
  return /context was destroyed|Target (page, context or browser )?(has been )?closed|navigat|frame was detached|closed|axe is not defined|Axe is already running/i.test(
    text,
  );
}

async function audit(page: Page): Promise<void> {
  const url = page.url();
  if (!isOurs(url)) return;
  try {
    // A string is evaluated by the DevTools protocol itself, which the page's
    // Content-Security-Policy does not govern (an eval() inside the page would be refused).
    const run = async () => {
      if ((await page.evaluate("typeof window.axe")) === "undefined")
        await page.evaluate(axeSource);
      return page.evaluate<AxeViolation[]>(`axe
        .run(document, { resultTypes: ["violations"] })
        .then((r) => r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) })))`);
    };
    // A stuck audit fails the test loudly instead of hanging it.
    let timer: NodeJS.Timeout | undefined;
    const found = await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("axe took over 60 s")), 60_000);
      }),
    ]).finally(() => clearTimeout(timer));
    for (const v of found) {
      violations.push(`${v.id} (${v.help}) on ${url}: ${v.nodes.slice(0, 5).join(" | ")}`);
    }
  } catch (error) {
    if (!isGone(error)) violations.push(`axe could not run on ${url}: ${String(error)}`);
  }
}

/** Audits the page as it is now (the next assertNoAxeViolations reports what it finds). */
export function auditPage(page: Page): Promise<void> {
  const running: Promise<void> = audit(page).finally(() => pendingAudits.delete(running));
  pendingAudits.add(running);
  return running;
}

function auditEachLoad(context: BrowserContext): void {
  const watch = (page: Page) => page.on("load", () => void auditPage(page));
  for (const page of context.pages()) watch(page);
  context.on("page", watch);
  // A test that closes its context right after a check still has that page audited.
  const close = context.close.bind(context);
  context.close = async (options) => {
    await settleAudits();
    return close(options);
  };
}

async function settleAudits(): Promise<void> {
  while (pendingAudits.size) await Promise.all([...pendingAudits]);
}

/** Waits for the audits under way; throws if any found a violation (and forgets them). */
export async function assertNoAxeViolations(): Promise<void> {
  await settleAudits();
  if (!violations.length) return;
  const found = violations.splice(0);
  throw new Error(
    `axe-core found ${found.length} accessibility violation(s):\n- ${found.join("\n- ")}`,
  );
}

afterEach(assertNoAxeViolations);

/** Opens the compose form where a phone folds it behind "New post" (web/compose-box.ts); a no-op when open. */
export async function openCompose(page: Page): Promise<void> {
  const button = page.locator(".compose-box > summary");
  if ((await button.isVisible()) && !(await page.locator("#f-text").isVisible()))
    await button.click();
}
