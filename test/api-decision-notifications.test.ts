/**
 * Decision notifications (opened, reminder, outcome) are not Mastodon types:
 * the client API must not hand them to apps, in lists, grouped lists or
 * unread counts, while the member's other notifications still come through.
 * One real node; SQLite, or PostgreSQL with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createDecision } from "../src/governance/decisions/decisions.ts";
import { sweepDecisions } from "../src/governance/decisions/sweep.ts";
import { createGroup } from "../src/groups/groups.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { memberClient } from "./api-helpers.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
before(async () => {
  node = await startTestNode({ host: "127.0.171.7" });
});
after(() => node.close());

test("apps see a follow but never a decision notification", async () => {
  const ada = await memberClient(node, "ada");
  const bo = await memberClient(node, "bo", ada.app);
  const ctx = {
    db: node.node.db.db,
    origin: node.url,
    domain: node.domain,
    clock: systemClock,
  };
  const group = await createGroup(
    ctx,
    { id: ada.id, username: "ada" },
    {
      name: "garden",
      kind: "working_group",
      displayName: "Garden",
      visibility: "public",
      moderated: false,
    },
  );
  assert.ok(group.ok);
  const made = await createDecision(
    ctx,
    { id: ada.id, username: "ada" },
    {
      group: group.value,
      proposal: {
        title: "Plant beans",
        rule: "consent",
        closesAt: new Date(Date.now() + 3600_000).toISOString(),
      },
    },
  );
  assert.ok(made.ok);
  assert.equal((await sweepDecisions(ctx)).opened, 1);
  const stored = await ctx.db
    .selectFrom("notifications")
    .select("type")
    .where("account_id", "=", ada.id)
    .execute();
  assert.deepEqual(
    stored.map((n) => n.type),
    ["decision_opened"],
    "the notice is there for the web",
  );

  await bo.client.v1.accounts.$select(ada.id).follow();
  const list = await ada.client.v1.notifications.list();
  assert.deepEqual(
    list.map((n) => n.type),
    ["follow"],
  );
  const grouped = await ada.client.v2.notifications.list();
  assert.deepEqual(
    (grouped.notificationGroups as unknown as { type: string }[]).map((g) => g.type),
    ["follow"],
  );
  const unread = await fetch(`${node.url}/api/v1/notifications/unread_count`, {
    headers: { authorization: `Bearer ${ada.token}` },
  });
  assert.deepEqual(await unread.json(), { count: 1 });
  // Asking for every type by name still leaves ours out (Mastodon has no name for them).
  const asked = await fetch(
    `${node.url}/api/v1/notifications?types[]=decision_opened&types[]=follow`,
    { headers: { authorization: `Bearer ${ada.token}` } },
  );
  assert.deepEqual(
    ((await asked.json()) as { type: string }[]).map((n) => n.type),
    ["follow"],
  );
});
