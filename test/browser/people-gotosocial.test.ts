/**
 * Following a GoToSocial author from their page on our node (issue 23), with the
 * real GoToSocial binary (test/support/gotosocial.ts; skipped loudly without it):
 * gina on GoToSocial posts, mentioning sam on Synco; sam clicks her name on the
 * federated timeline, lands on /@gina@host here, presses Follow; the page shows
 * the request pending (GoToSocial's accounts approve followers by hand); gina
 * accepts it; the button becomes Unfollow, and the follower count her server gives
 * moves from 0 to 1. Synco on 127.0.220.21 (http and https on one port),
 * GoToSocial on 127.0.220.22, one self-signed certificate this process trusts.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import { createRestAPIClient } from "masto";
import type { Browser } from "playwright-core";
import { waitFor } from "../../src/federation/testing.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import {
  type GoToSocial,
  gotosocialBinary,
  selfSignedCertificate,
  startGoToSocial,
} from "../support/gotosocial.ts";
import { createMember } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

const SYNCO_HOST = "127.0.220.21";
const GTS_HOST = "127.0.220.22";
const binary = gotosocialBinary();
const skip = existsSync(binary) ? false : `no GoToSocial binary at ${binary}`;
if (skip) console.warn(`\n!! SKIPPING following a GoToSocial author from their page: ${skip}\n`);

let synco: TestNode;
let gts: GoToSocial;
let browser: Browser;
let stopWorker: (() => Promise<void>) | undefined;

before(async () => {
  if (skip) return;
  const dir = mkdtempSync(join(tmpdir(), "synco-people-gts-"));
  const certificate = await selfSignedCertificate(dir, [SYNCO_HOST, GTS_HOST]);
  setDefaultCACertificates([...getCACertificates("default"), certificate.cert]);
  [synco, gts] = await Promise.all([
    startTestNode({ host: SYNCO_HOST, tls: certificate }),
    startGoToSocial({ binary, dir, host: GTS_HOST, ...certificate }),
  ]);
  stopWorker = await synco.node.startWorker();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stopWorker?.();
  await Promise.all([synco?.close(), gts?.close()]);
});

test("follow a GoToSocial author from their page here", { skip }, async () => {
  await createMember(synco, { username: "sam", password: "long enough" });
  const gina = createRestAPIClient({ url: gts.url, accessToken: await gts.account("gina") });
  await gina.v1.statuses.create({
    status: `Seed swap on Sunday, @sam@${synco.domain}!`,
    visibility: "public",
  });
  const post = await waitFor(
    "gina's post reaches Synco",
    () =>
      synco.node.db.db
        .selectFrom("posts")
        .select("id")
        .where("content_html", "like", "%Seed swap on Sunday%")
        .executeTakeFirst(),
    // GoToSocial delivers from its own queue, slow on a loaded machine.
    120_000,
  );
  const context = await newContext(browser);
  const page = await context.newPage();
  await logIn(page, synco.url, "sam", "long enough");
  await page.goto(`${synco.url}/social/federated`);
  await page.locator(`#post-${post.id}-author`).click();
  await page.waitForURL(`${synco.url}/@gina@${gts.domain}`);
  assert.match((await page.locator(".handle").first().textContent()) ?? "", /@gina@/);
  const followers = page.locator(".person-followers");
  assert.equal((await followers.textContent())?.trim(), "0 followers");
  // GoToSocial's accounts approve followers by hand unless unlocked: the page says so.
  assert.equal(await page.getByText("Approves followers by hand").count(), 1);
  await page.getByRole("button", { name: "Follow", exact: true }).click();
  await page.waitForURL(/\?done=/);
  assert.equal(await page.getByText("Requested", { exact: true }).count(), 1);
  assert.equal(await page.getByRole("button", { name: "Withdraw request" }).count(), 1);
  await screenshot(page, "people-gotosocial-requested-en-1280");
  const request = await waitFor(
    "gina sees sam's follow request",
    async () => (await gina.v1.followRequests.list()).find((a) => a.acct === `sam@${synco.domain}`),
    120_000,
  );
  await gina.v1.followRequests.$select(request.id).authorize();
  const unfollow = page.getByRole("button", { name: "Unfollow", exact: true });
  for (let i = 0; i < 100 && (await unfollow.count()) === 0; i++) {
    await page.waitForTimeout(200); // polling the page, bounded, for GoToSocial's Accept
    await page.reload();
  }
  assert.equal(await unfollow.count(), 1, "GoToSocial accepted the follow");
  assert.equal((await followers.textContent())?.trim(), "1 follower");
  await screenshot(page, "people-gotosocial-followed-en-1280");
  await context.close();
});
