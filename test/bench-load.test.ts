/**
 * The load-and-kill script's logic (bench/load/): a short run passes its own
 * checks (every acknowledged post is there after the SIGKILL and restart, and
 * reaches the second node), and the checks do catch a post that is missing,
 * changed or never delivered. The real run is `npm run bench:load`, not part of
 * the suite.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { missingWrites, undelivered } from "../bench/load/check.ts";
import { formatReport, runLoad } from "../bench/load/run.ts";
import { createApp, issueToken } from "../src/api/oauth/store.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode | undefined;
after(() => node?.close());

test("a short load run survives its SIGKILL: nothing acknowledged is lost", async () => {
  const report = await runLoad({
    seconds: 2,
    clients: 2,
    killAfter: 3,
    deliveryTimeoutSeconds: 90,
    postgresUrl: process.env.TEST_DATABASE_URL,
  });
  const printed = formatReport(report);
  assert.ok(report.passed, printed);
  assert.ok(report.kill.ackedBeforeKill >= 3, printed);
  assert.ok(report.acknowledgedPosts >= 3, printed);
  assert.equal(report.missingAfterRestart.length, 0);
  assert.equal(report.undelivered.length, 0);
  assert.match(printed, /^PASS/m);
});

test("the checks report a post that is missing, changed or not delivered", async () => {
  node = await startTestNode();
  const ann = await createMember(node, { username: "ann", password: "long enough password" });
  const db = node.node.db.db;
  const app = await createApp(
    db,
    {
      name: "check",
      website: null,
      redirectUris: ["urn:ietf:wg:oauth:2.0:oob"],
      scopes: ["read", "write"],
    },
    systemClock,
  );
  const { accessToken } = await issueToken(
    db,
    { appId: app.id, accountId: ann.id, scopes: ["read", "write"] },
    systemClock,
  );
  const res = await fetch(`${node.url}/api/v1/statuses`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ status: "kept safe", visibility: "public" }),
  });
  assert.equal(res.status, 200);
  const posted = (await res.json()) as { id: string; uri: string };
  const kept = { id: posted.id, uri: posted.uri, text: "kept safe" };
  const changed = { ...kept, text: "not what was written" };
  const lost = {
    id: "01JZZZZZZZZZZZZZZZZZZZZZZZ",
    uri: `${node.url}/users/ann/statuses/lost`,
    text: "lost",
  };

  const missing = await missingWrites(node.url, accessToken, [kept, changed, lost]);
  assert.deepEqual(missing.map((a) => a.text).sort(), ["lost", "not what was written"]);
  const notThere = await undelivered(node.node.config.databaseUrl, [kept, lost]);
  assert.deepEqual(notThere, [lost]);
});
