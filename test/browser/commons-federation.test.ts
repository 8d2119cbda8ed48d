/**
 * The federated commons in a real browser, with no script on the page: on a
 * node hosting a federation whose member co-op is its own, a moderator asks the
 * federation a histogram by form (desktop), reads the question's parts and the
 * combined release with its parts table (phone), and proposes a new budget (a
 * decision of the group). Screenshots at 390 px and 1280 px go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { contribute } from "../../src/commons/contributions.ts";
import { declareDataset } from "../../src/commons/datasets.ts";
import { releaseSigner } from "../../src/federation/commons-signer.ts";
import { joinWithOurCoop } from "../../src/groups/federations.ts";
import { createGroup } from "../../src/groups/groups.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { socialOf, startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
let datasetId: string;
const PASSWORD = "password123";
const PURPOSE = "To know how many hours our members volunteer, by sector, across the federation.";

before(async () => {
  node = await startTestNode({ host: "127.0.36.10" });
  const ada = await createMember(node, { username: "ada", password: PASSWORD, role: "admin" });
  const made = await createGroup(socialOf(node), ada, {
    name: "fedhere",
    kind: "federation",
    displayName: "Federation here",
    visibility: "public",
    moderated: false,
    votingMode: "direct",
  });
  assert.ok(made.ok);
  assert.ok((await joinWithOurCoop(socialOf(node), ada, { group: made.value })).ok);
  const cx = {
    db: node.node.db.db,
    origin: node.url,
    clock: socialOf(node).clock,
    signer: await releaseSigner(node.node.db.db, node.url)(),
  };
  const declared = await declareDataset(cx, ada, {
    groupId: made.value.id,
    title: "Hours across the federation",
    purpose: PURPOSE,
    unit: "member",
    period: "month",
    budgetRho: 2,
    defaultRho: 0.5,
    fields: [
      { type: "number", name: "hours", unit: "hours", decimals: 1, lower: "0", upper: "40" },
      { type: "category", name: "sector", values: ["care", "food", "repair"] },
    ],
  });
  assert.ok(declared.ok);
  datasetId = declared.value.id;
  for (const [i, sector] of ["care", "food", "care", "repair"].entries()) {
    const m = await createMember(node, { username: `giver${i}`, password: PASSWORD });
    assert.ok(
      (await contribute(cx, m, { datasetId, purpose: PURPOSE, rows: [{ hours: "4", sector }] })).ok,
    );
  }
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

async function as(username: string, mobile: boolean): Promise<Page> {
  const page = await (await newContext(browser, { mobile })).newPage();
  await logIn(page, node.url, username, PASSWORD);
  return page;
}

test("ask the federation → read each co-op's part → read the combined release → propose a budget", async () => {
  const ada = await as("ada", false);
  await ada.goto(`${node.url}/commons/datasets/${datasetId}`);
  const ask = ada.locator("section", {
    has: ada.getByRole("heading", { name: "Ask the federation" }),
  });
  await ask.getByLabel("Question").selectOption("histogram");
  await ask.getByLabel("Field").selectOption("sector");
  await ask.getByLabel("ρ to spend").fill("0.5");
  await screenshot(ada, "commons-federation-ask-1280");
  await ask.getByRole("button", { name: "Ask every member co-op" }).click();
  await ada.waitForURL(/\/commons\/federated\//);
  await ada.getByRole("table").waitFor();
  assert.match(
    (await ada.getByRole("table").textContent()) ?? "",
    /127\.0\.36\.10:\d+[\s\S]*answered/,
  );
  await screenshot(ada, "commons-federation-question-1280");
  const questionUrl = ada.url();

  const phone = await as("giver0", true);
  await phone.goto(questionUrl);
  await screenshot(phone, "commons-federation-question-390");
  await phone.getByRole("link", { name: "Read the combined release" }).click();
  await phone.waitForURL(/\/commons\/releases\//);
  const text = (await phone.locator("main").textContent()) ?? "";
  assert.match(text, /Combined from the answers of 1 of 1 co-ops/);
  assert.match(text, /care[\s\S]*food[\s\S]*repair/);
  await screenshot(phone, "commons-federation-release-390");

  await ada.goto(`${node.url}/commons/datasets/${datasetId}`);
  await ada.getByLabel("New budget ρ per period").fill("3");
  await ada
    .getByLabel("Voting closes")
    .fill(new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 16));
  await ada.getByLabel("Why").fill("More questions this month.");
  await ada.getByRole("button", { name: "Propose this budget" }).click();
  // The decision lives in its thread in the federation group.
  await ada.waitForURL(/\/groups\/fedhere\//);
  assert.match(
    (await ada.locator("main").textContent()) ?? "",
    /Budget of “Hours across the federation”: ρ = 3/,
  );
  await screenshot(ada, "commons-federation-budget-decision-1280");
});
