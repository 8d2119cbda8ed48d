/**
 * Settings → Moving and Settings → Import in a real browser, at phone and desktop
 * widths (no JavaScript needed): a member names an account they move from, uploads
 * a Mastodon following_accounts.csv and sees its progress; a member who moved shows
 * where on their profile. Screenshots go to test-results/ to be looked at.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { waitFor } from "../../src/federation/testing.ts";
import { memberUri } from "../../src/kernel/uris.ts";
import { translator } from "../../src/web/i18n/i18n.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

const t = translator("en");
let node: TestNode;
let stopWorker: () => Promise<void>;
let browser: Browser;

before(async () => {
  node = await startTestNode({ host: "127.0.28.41" });
  stopWorker = await node.node.startWorker();
  for (const username of ["ann", "bob", "cy", "old1", "old2"])
    await createMember(node, { username, password: "long enough" });
  // cy moved to bob (as after a verified move; the pages only read it).
  await node.node.db.db
    .insertInto("actor_moves")
    .values({
      actor_uri: memberUri(node.url, "cy"),
      target_uri: memberUri(node.url, "bob"),
      account_id: null,
      moved_at: new Date().toISOString(),
    })
    .execute();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stopWorker?.();
  await node?.close();
});

for (const mobile of [true, false]) {
  const who = mobile ? "old1" : "old2";
  test(`moving and importing at ${mobile ? "390" : "1280"} px`, async () => {
    const page = await (await newContext(browser, { mobile })).newPage();
    await logIn(page, node.url, "ann", "long enough");
    await page.goto(`${node.url}/settings/moving`);
    await page.getByLabel(t("moving.alias")).fill(`@${who}@${node.domain}`);
    await page.getByRole("button", { name: t("moving.aliasAdd") }).click();
    await page.getByText(t("moving.aliasAdded")).waitFor();
    assert.ok(await page.getByRole("link", { name: memberUri(node.url, who) }).isVisible());
    await screenshot(page, `moving-settings-${mobile ? "phone" : "desktop"}`);

    await page.goto(`${node.url}/settings/import`);
    const file = join(tmpdir(), `following_accounts-${who}.csv`);
    writeFileSync(
      file,
      `Account address,Show boosts,Notify on new posts,Languages\nbob@${node.domain},true,false,\n`,
    );
    await page.getByLabel(t("moving.kind")).selectOption("following");
    await page.getByLabel(t("moving.file")).setInputFiles(file);
    await page.getByRole("button", { name: t("moving.importSubmit"), exact: true }).click();
    await page.waitForURL(/\/settings\/import\?done=/);
    await waitFor("the import is applied", async () => {
      await page.reload();
      return page.getByText(t("moving.state.done")).first().isVisible();
    });
    await screenshot(page, `moving-import-${mobile ? "phone" : "desktop"}`);

    await page.goto(`${node.url}/@cy`);
    assert.ok(
      await page.getByRole("link", { name: `@bob@${node.domain}` }).isVisible(),
      "the moved profile links to the new account",
    );
    await screenshot(page, `moving-profile-${mobile ? "phone" : "desktop"}`);
  });
}
