/**
 * Issue 22 in a real browser, with no script on the page: a moderator declares a
 * dataset (desktop) → a member on a phone reads the purpose, consents and
 * contributes a row, another imports a CSV → the member asks a grouped mean →
 * reads the release (chart with intervals, the table, cost, signature) → an
 * overspend is refused saying what is left → the member sees the release used
 * their data and withdraws. Screenshots at 390 px and 1280 px go to test-results/.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
const PASSWORD = "password123";

before(async () => {
  node = await startTestNode({ host: "127.0.32.2" });
  await createMember(node, { username: "ada", password: PASSWORD, role: "admin" });
  await createMember(node, { username: "bea", password: PASSWORD });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

async function member(username: string, mobile: boolean): Promise<Page> {
  const page = await (await newContext(browser, { mobile })).newPage();
  await logIn(page, node.url, username, PASSWORD);
  return page;
}

test("declare → consent and contribute → ask → read the release → withdraw", async () => {
  const ada = await member("ada", false);
  await ada.goto(`${node.url}/commons`);
  await ada.getByRole("link", { name: "Declare a dataset" }).click();
  await ada.getByLabel("Title").fill("Volunteer hours");
  await ada
    .getByLabel("Purpose")
    .fill("To know how many hours our members volunteer each month, by sector, to plan support.");
  await ada
    .getByLabel("Fields")
    .fill("hours: number 0..40 decimals 1 unit hours\nsector: category care, food, repair");
  await ada.getByLabel("Rows kept per privacy unit in a question").fill("3");
  await screenshot(ada, "commons-declare-1280");
  await ada.getByRole("button", { name: "Declare" }).click();
  await ada.waitForURL(/\/commons\/datasets\//);
  const datasetUrl = ada.url();

  // ada imports three rows from a CSV file.
  const file = join(tmpdir(), `commons-${process.pid}.csv`);
  writeFileSync(file, "hours,sector\n12,food\n6.5,repair\n3,care\n");
  await ada.getByLabel("Or import a CSV file").setInputFiles(file);
  await ada.locator("#f-consent-csv").check();
  await ada.getByRole("button", { name: "Import rows" }).click();
  await ada.waitForURL(/\/commons\/mine/);

  // bea, on a phone, reads the purpose, forgets to consent (refused), then gives a row.
  const bea = await member("bea", true);
  await bea.goto(`${node.url}/commons`);
  await bea.getByRole("link", { name: "Volunteer hours" }).click();
  await bea.getByLabel("hours (hours)").fill("4.5");
  await bea.getByLabel("sector").first().selectOption("care");
  await screenshot(bea, "commons-dataset-390");
  await bea.locator("#f-consent").check();
  await bea.getByRole("button", { name: "Give this row" }).click();
  await bea.waitForURL(/\/commons\/mine/);
  await bea.locator("text=your rows were recorded").waitFor();

  // She asks the mean of hours by sector.
  await bea.goto(datasetUrl);
  await bea.getByLabel("Question", { exact: true }).selectOption("mean");
  await bea.getByLabel("Field", { exact: true }).selectOption("hours");
  await bea.getByLabel("Group by").selectOption("sector");
  await bea.getByLabel("ρ to spend").fill("0.6");
  await bea.getByRole("button", { name: "Ask" }).click();
  await bea.waitForURL(/\/commons\/releases\//);
  const releaseUrl = bea.url();
  assert.match((await bea.locator("h1").textContent()) ?? "", /Mean of hours by sector/);
  assert.equal(await bea.locator("figure.commons-chart svg line.ci").count(), 9);
  assert.equal(await bea.locator("table.figures").first().locator("tbody tr").count(), 3);
  await screenshot(bea, "commons-release-390");
  await ada.goto(releaseUrl);
  await screenshot(ada, "commons-release-1280");

  // Asking for more than is left is refused, saying what remains.
  await bea.goto(datasetUrl);
  await bea.getByLabel("Question", { exact: true }).selectOption("count");
  await bea.getByLabel("ρ to spend").fill("0.5");
  await bea.getByRole("button", { name: "Ask" }).click();
  const refusal = bea.locator("[role=alert]");
  await refusal.waitFor();
  assert.match((await refusal.textContent()) ?? "", /only ρ = 0\.4\d* .* of 1 is left/);
  await screenshot(bea, "commons-overspend-390");

  // Her contributions: the release used her row; she withdraws.
  await bea.goto(`${node.url}/commons/mine`);
  assert.match((await bea.locator("#used").textContent()) ?? "", /used in 1 release\./);
  await bea.getByRole("button", { name: "Withdraw my rows" }).click();
  await bea.waitForURL(/\/commons\/mine/);
  await bea.locator("text=no question will use your rows").waitFor();
  await screenshot(bea, "commons-withdrawn-390");
});
