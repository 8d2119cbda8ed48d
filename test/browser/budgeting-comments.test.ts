/**
 * Issue 19's follow-ups in a real browser, on two nodes (127.0.198.x): a
 * federation's budget hosted on A, its copy on B. bea, on B with a phone in
 * Spanish, proposes in the copy, edits her proposal there, and comments on A's
 * project; ana, on A at a desk in English, reads bea's comment under the
 * project and answers. When A refuses a late proposal, bea sees the notice and
 * why on her proposal's page. Screenshots at 390 px and 1280 px go to
 * test-results/ (budgeting-comments-*).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { waitFor } from "../../src/federation/testing.ts";
import { createProcess } from "../../src/governance/budgeting/processes/processes.ts";
import { proposeProject } from "../../src/governance/budgeting/processes/projects.ts";
import { joinWithOurCoop } from "../../src/groups/federations.ts";
import { createGroup } from "../../src/groups/groups.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { joinFederationOn } from "../support/federations.ts";
import { createMember } from "../support/login.ts";
import { socialOf, startTestNode, type TestNode } from "../support/node.ts";

let a: TestNode;
let b: TestNode;
let browser: Browser;
let processId = "";
let copyId = "";
let benchesOnB = "";
let benchesOnA = "";
const PASSWORD = "password123";
const stops: (() => Promise<void>)[] = [];
const SLOW = 120_000;

before(async () => {
  const env = { SYNCO_LOG_LEVEL: "error" };
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.198.1", env }),
    startTestNode({ host: "127.0.198.2", env }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  const ana = await createMember(a, { username: "ana", password: PASSWORD, role: "admin" });
  const ben = await createMember(b, { username: "ben", password: PASSWORD, role: "admin" });
  const bea = await createMember(b, { username: "bea", password: PASSWORD });
  // bea reads in Spanish (her own setting wins over the browser's).
  await b.node.db.db
    .updateTable("accounts")
    .set({ language: "es" })
    .where("id", "=", bea.id)
    .execute();
  const made = await createGroup(socialOf(a), ana, {
    name: "fednet",
    kind: "federation",
    displayName: "Federation",
    visibility: "public",
    moderated: false,
    votingMode: "direct",
  });
  assert.ok(made.ok);
  assert.ok((await joinWithOurCoop(socialOf(a), ana, { group: made.value })).ok);
  await joinFederationOn(a, b, ben, "fednet");
  const anaVoter = { uri: `${a.url}/users/ana`, accountId: ana.id };
  const opened = await createProcess(socialOf(a), anaVoter, {
    groupId: made.value.id,
    process: {
      title: "Parks 2027",
      description: "What the federation builds next year",
      currency: "EUR",
      rule: "mes-add1",
      districts: [{ name: "North", budget: 1_000_000 }],
      categories: [],
    },
  });
  assert.ok(opened.ok);
  processId = opened.value.id;
  const district = await a.node.db.db
    .selectFrom("pb_districts")
    .select("id")
    .where("process_id", "=", processId)
    .executeTakeFirstOrThrow();
  const benches = await proposeProject(socialOf(a), anaVoter, {
    processId,
    project: {
      districtId: district.id,
      title: "Benches in the square",
      description: "Six benches under the plane trees.",
      cost: 300_000,
      location: "Main square",
    },
  });
  assert.ok(benches.ok);
  benchesOnA = benches.value.id;
  const uri = `${a.url}/budgets/${processId}`;
  const copy = await waitFor(
    "B's copy with A's project",
    async () =>
      b.node.db.db
        .selectFrom("pb_projects")
        .innerJoin("pb_processes", "pb_processes.id", "pb_projects.process_id")
        .select(["pb_processes.id as process", "pb_projects.id"])
        .where("pb_processes.uri", "=", uri)
        .where("pb_projects.title", "=", "Benches in the square")
        .executeTakeFirst(),
    SLOW,
  );
  copyId = copy.process;
  benchesOnB = copy.id;
  browser = await launchBrowser();
});
after(async () => {
  for (const stop of stops) await stop();
  await browser?.close();
  await Promise.all([a, b].filter(Boolean).map((n) => n.close()));
});

async function fits(page: Page) {
  const width = await page.evaluate<number>("document.documentElement.scrollWidth");
  assert.ok(width <= 390, `the page is ${width}px wide`);
}

test("bea proposes, edits and comments from B on a phone in Spanish; ana reads and answers on A; a refusal is explained", async () => {
  const bea = await (await newContext(browser, { mobile: true, locale: "es-ES" })).newPage();
  await logIn(bea, b.url, "bea", PASSWORD);

  // Propose in B's copy.
  await bea.goto(`${b.url}/budgets/${copyId}/propose`);
  await bea.locator("#f-title").fill("Fuente");
  await bea.locator("#f-description").fill("Una fuente de agua junto a la escuela.");
  await bea.locator("#f-cost").fill("250");
  await bea.getByRole("button", { name: "Enviar mi propuesta" }).click();
  await bea.waitForURL(/\/projects\/[0-9a-f-]+/);
  const mine = new URL(bea.url()).pathname;

  // Edit it there: the form says the host checks it again.
  await bea.getByRole("link", { name: "Editar mi propuesta" }).click();
  await bea.waitForURL(/\/edit$/);
  assert.match((await bea.locator(".notice").textContent()) ?? "", /anfitrión/);
  await bea.locator("#f-title").fill("Fuente de agua potable");
  await bea.locator("#f-cost").fill("300");
  await fits(bea);
  await screenshot(bea, "budgeting-comments-edit-es-390");
  await bea.getByRole("button", { name: "Guardar cambios" }).click();
  await bea.waitForURL((u) => u.pathname === mine);
  assert.equal(await bea.locator("h1").textContent(), "Fuente de agua potable");
  await waitFor(
    "A takes bea's edit",
    async () =>
      !!(await a.node.db.db
        .selectFrom("pb_projects")
        .select("id")
        .where("process_id", "=", processId)
        .where("title", "=", "Fuente de agua potable")
        .executeTakeFirst()),
    SLOW,
  );

  // Comment on A's project from B.
  await bea.goto(`${b.url}/budgets/${copyId}/projects/${benchesOnB}`);
  assert.equal(await bea.getByRole("heading", { name: "Comentarios" }).count(), 1);
  await bea.getByLabel("Tu comentario").fill("¿Podrían ser de madera?\n\nY con sombra, por favor.");
  await bea.getByRole("button", { name: "Publicar comentario" }).click();
  await bea.locator(".pb-comment").first().waitFor();
  assert.match((await bea.locator(".pb-comment").first().textContent()) ?? "", /madera/);
  await fits(bea);
  await screenshot(bea, "budgeting-comments-thread-es-390");

  // ana, on A at a desk, reads it under her project and answers.
  const ana = await (await newContext(browser)).newPage();
  await logIn(ana, a.url, "ana", PASSWORD);
  await waitFor(
    "A has bea's comment",
    async () =>
      !!(await a.node.db.db
        .selectFrom("pb_comments")
        .select("id")
        .where("project_id", "=", benchesOnA)
        .executeTakeFirst()),
    SLOW,
  );
  await ana.goto(`${a.url}/budgets/${processId}/projects/${benchesOnA}`);
  const first = ana.locator(".pb-comment").first();
  assert.match((await first.textContent()) ?? "", /bea@127\.0\.198\.2/);
  await ana.getByLabel("Your comment").fill("Wood it is. Shade too: the plane trees stay.");
  await ana.getByRole("button", { name: "Post comment" }).click();
  await ana.locator(".pb-comment").nth(1).waitFor();
  assert.equal(await ana.getByRole("heading", { name: "2 comments" }).count(), 1);
  await screenshot(ana, "budgeting-comments-host-1280");

  // bea sees ana's answer on B.
  await waitFor(
    "B has ana's answer",
    async () =>
      (
        await b.node.db.db
          .selectFrom("pb_comments")
          .select("id")
          .where("project_id", "=", benchesOnB)
          .execute()
      ).length === 2,
    SLOW,
  );
  await bea.reload();
  assert.equal(await bea.getByRole("heading", { name: "2 comentarios" }).count(), 1);

  // A moves on before B hears of it: bea's late proposal is refused, and she is told why.
  await a.node.db.db
    .updateTable("pb_processes")
    .set({ phase: "review" })
    .where("id", "=", processId)
    .execute();
  await bea.goto(`${b.url}/budgets/${copyId}/propose`);
  await bea.locator("#f-title").fill("Idea tardía");
  await bea.locator("#f-description").fill("Llega tarde.");
  await bea.locator("#f-cost").fill("10");
  await bea.getByRole("button", { name: "Enviar mi propuesta" }).click();
  await bea.waitForURL(/\/projects\/[0-9a-f-]+/);
  await waitFor(
    "bea is notified of the refusal",
    async () =>
      !!(await b.node.db.db
        .selectFrom("notifications")
        .select("id")
        .where("type", "=", "budget_refused")
        .executeTakeFirst()),
    SLOW,
  );
  await bea.goto(`${b.url}/notifications`);
  await fits(bea);
  await screenshot(bea, "budgeting-comments-refused-notice-es-390");
  await bea.locator("a[href*='refused=proposal']").first().click();
  await bea.waitForURL(/refused=proposal/);
  const notice = (await bea.locator(".notice").first().textContent()) ?? "";
  assert.match(notice, /no aceptó tu propuesta/);
  assert.match(notice, /ya no lo admite/);
  assert.match((await bea.locator(".pb-facts").textContent()) ?? "", /Rechazada por el anfitrión/);
  await fits(bea);
  await screenshot(bea, "budgeting-comments-refused-es-390");
});
