/**
 * Notices for admins in the client API (issue 23): a report is Mastodon's
 * admin.report with its Report, an application admin.sign_up; a join request
 * (no Mastodon type) never reaches apps; types[] filters by Mastodon's names.
 * Sign-up through the web form in approval mode tells the admin. One real node;
 * SQLite, or PostgreSQL with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createGroup } from "../src/groups/groups.ts";
import { joinGroup } from "../src/groups/memberships.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { memberClient } from "./api-helpers.ts";
import { visitor } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
before(async () => {
  node = await startTestNode({ host: "127.0.221.20" });
});
after(() => node.close());

type Notice = {
  type: string;
  account: { acct: string };
  report?: { comment: string; status_ids: string[]; target_account: { acct: string } };
};

test("an admin's app sees admin.report with its Report and admin.sign_up, not join requests", async () => {
  const ada = await memberClient(node, "ada");
  const bo = await memberClient(node, "bo", ada.app);
  const cai = await memberClient(node, "cai", ada.app);
  const db = node.node.db.db;
  await db.updateTable("accounts").set({ role: "admin" }).where("id", "=", ada.id).execute();
  const listOf = async (query = "") => {
    const res = await fetch(`${node.url}/api/v1/notifications${query}`, {
      headers: { authorization: `Bearer ${ada.token}` },
    });
    assert.equal(res.status, 200);
    return (await res.json()) as Notice[];
  };

  // bo reports cai's post through the API.
  const status = await cai.client.v1.statuses.create({ status: "cheap watches" });
  const reported = await fetch(`${node.url}/api/v1/reports`, {
    method: "POST",
    headers: { authorization: `Bearer ${bo.token}`, "content-type": "application/json" },
    body: JSON.stringify({ account_id: cai.id, status_ids: [status.id], comment: "spam" }),
  });
  assert.equal(reported.status, 200);

  // Someone applies through the sign-up form in approval mode.
  await node.node.coop.update({ registration: "approval" });
  const v = await visitor(node, "/signup");
  const signup = await fetch(`${node.url}/signup`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: v.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      _csrf: v.csrf,
      username: "newbie",
      email: "newbie@example.test",
      password: "long enough",
      reason: "I bake bread",
    }),
  });
  assert.ok(signup.status < 400, `sign-up answered ${signup.status}`);

  // And bo asks to join ada's moderated group: told on the page, never to apps.
  const ctx = { db, origin: node.url, domain: node.domain, clock: systemClock };
  const group = await createGroup(
    ctx,
    { id: ada.id, username: "ada" },
    {
      name: "bakery",
      kind: "working_group",
      displayName: "Bakery",
      visibility: "public",
      moderated: true,
    },
  );
  assert.ok(group.ok);
  assert.ok((await joinGroup(ctx, { id: bo.id, username: "bo" }, { group: group.value })).ok);
  const stored = await db
    .selectFrom("notifications")
    .select("type")
    .where("account_id", "=", ada.id)
    .orderBy("id")
    .execute();
  assert.deepEqual(
    stored.map((n) => n.type),
    ["report", "sign_up", "group_join_request"],
  );

  const all = await listOf();
  assert.deepEqual(
    all.map((n) => `${n.type} ${n.account.acct}`),
    ["admin.sign_up newbie", "admin.report bo"],
  );
  const report = all.find((n) => n.type === "admin.report")?.report;
  assert.equal(report?.comment, "spam");
  assert.deepEqual(report?.status_ids, [status.id]);
  assert.equal(report?.target_account.acct, "cai");
  // Mastodon's names filter: only reports, or everything but them.
  assert.deepEqual(
    (await listOf("?types[]=admin.report")).map((n) => n.type),
    ["admin.report"],
  );
  assert.deepEqual(
    (await listOf("?exclude_types[]=admin.report")).map((n) => n.type),
    ["admin.sign_up"],
  );
  // The grouped list names them the same way.
  const grouped = await fetch(`${node.url}/api/v2/notifications`, {
    headers: { authorization: `Bearer ${ada.token}` },
  });
  const groups = (await grouped.json()) as {
    notification_groups: { type: string; report?: { target_account: { acct: string } } }[];
  };
  assert.deepEqual(
    groups.notification_groups.map((g) => g.type),
    ["admin.sign_up", "admin.report"],
  );
  assert.equal(groups.notification_groups[1]?.report?.target_account.acct, "cai");
  // A member who is not staff hears of none of it.
  const bosList = await fetch(`${node.url}/api/v1/notifications`, {
    headers: { authorization: `Bearer ${bo.token}` },
  });
  assert.deepEqual(await bosList.json(), []);
});
