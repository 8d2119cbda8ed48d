/**
 * A report on a copy of an offer reaches the publisher's node when the reporter
 * asks to forward it, as Mastodon forwards a report of a remote status (issue
 * 20's gap). Two real nodes (127.0.231.x): A's co-op publishes an offer, B keeps
 * a copy (B's member follows A's co-op). On B a member reports the copy twice,
 * through the page's form: once without forwarding (it stays on B), once with
 * the box ticked (a Flag from B's co-op, the member unnamed, to A). A's
 * moderators then see exactly the forwarded report on their own offer. The
 * client API's report route takes `forward` the same way (a second offer).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { recordEvent } from "../src/db/outbox.ts";
import { followRemote, waitFor } from "../src/federation/testing.ts";
import { coopUri } from "../src/kernel/uris.ts";
import { memberClient } from "./api-helpers.ts";
import { publishProposal } from "./support/economy.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let a: TestNode;
let b: TestNode;
let bo: SignedIn;
const stops: (() => Promise<void>)[] = [];
const SLOW = 120_000;

before(async () => {
  const env = { SYNCO_LOG_LEVEL: "error" };
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.231.1", env }),
    startTestNode({ host: "127.0.231.2", env }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  await createMember(a, { username: "ana", password: "password123", role: "admin" });
  const ben = await createMember(b, { username: "ben", password: "password123" });
  await createMember(b, { username: "bo", password: "password123" });
  bo = await signIn(b, "bo", "password123");
  await followRemote(b.node, ben, `coop@${a.domain}`);
  await waitFor(
    "ben's follow of A's co-op is accepted",
    async () =>
      (
        await b.node.db.db
          .selectFrom("follows")
          .select("status")
          .where("follower_account_id", "=", ben.id)
          .executeTakeFirst()
      )?.status === "accepted",
    SLOW,
  );
});
after(async () => {
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close()]);
});

const reportsOn = (n: TestNode, uri: string) =>
  n.node.db.db
    .selectFrom("reports")
    .selectAll()
    .where("target_uri", "=", uri)
    .orderBy("created_at")
    .orderBy("id")
    .execute();

test("a report on a copy, forwarded, reaches the publisher's moderators; one not forwarded stays", async () => {
  const p = await a.node.db.db.transaction().execute(async (trx) => {
    const row = await publishProposal(trx, a.url, { name: "Pumpkins" });
    await recordEvent(trx, { type: "economy.proposal.created", payload: { proposalId: row.id } });
    return row;
  });
  const copy = await waitFor(
    "B keeps a copy of A's offer",
    () =>
      b.node.db.db
        .selectFrom("econ_proposals")
        .select(["id", "local"])
        .where("uri", "=", p.uri)
        .executeTakeFirst(),
    SLOW,
  );
  assert.equal(copy.local, 0);
  // The copy's page offers to forward, naming A; the original's page on A does not.
  const page = await (await bo.get(`/economy/proposals/${copy.id}`)).text();
  assert.match(
    page,
    new RegExp(
      `name="forward" value="on" /> Also send it to the moderators of ${a.domain.replace(/\./g, "\\.")}`,
    ),
  );
  const ana = await signIn(a, "ana", "password123");
  assert.doesNotMatch(await (await ana.get(`/economy/proposals/${p.id}`)).text(), /name="forward"/);

  const kept = await bo.post(`/economy/proposals/${copy.id}/report`, {
    comment: "Only for our moderators",
  });
  assert.equal(kept.status, 303);
  const sent = await bo.post(`/economy/proposals/${copy.id}/report`, {
    comment: "These are not pumpkins",
    forward: "on",
  });
  assert.equal(sent.status, 303);
  const onB = await reportsOn(b, p.uri);
  assert.deepEqual(
    onB.map((r) => [r.comment, r.forwarded, r.reporter_uri]),
    [
      ["Only for our moderators", 0, `${b.url}/users/bo`],
      ["These are not pumpkins", 1, `${b.url}/users/bo`],
    ],
  );

  const onA = await waitFor(
    "A files the forwarded report",
    async () => {
      const rows = await reportsOn(a, p.uri);
      return rows.length ? rows : null;
    },
    SLOW,
  );
  // Only the forwarded report goes out: one event, for it.
  const events = await b.node.db.db
    .selectFrom("outbox_events")
    .select("payload")
    .where("type", "=", "economy.proposal.report.forwarded")
    .execute();
  assert.deepEqual(
    events.map((e) => JSON.parse(e.payload).reportId),
    [onB[1]?.id],
  );
  assert.equal(onA.length, 1);
  const [r] = onA;
  assert.ok(r);
  assert.equal(r.comment, "These are not pumpkins");
  // From B's co-op, not its member: the reporter stays unnamed, as Mastodon does.
  assert.equal(r.reporter_uri, coopUri(b.url));
  assert.equal(r.reporter_account_id, null);
  assert.ok(r.uri?.startsWith(`${b.url}/activities/`));
  assert.equal(r.status, "open");
  // A's moderators see it in their list, on their offer.
  const list = await (await ana.get("/moderation")).text();
  assert.match(list, /These are not pumpkins/);
  assert.doesNotMatch(list, /Only for our moderators/);
  assert.doesNotMatch(list, /users\/bo/);
});

test("the API's report of a copy takes `forward` too: the publisher's node files it; without it, it stays", async () => {
  const p = await a.node.db.db.transaction().execute(async (trx) => {
    const row = await publishProposal(trx, a.url, { name: "Quinces" });
    await recordEvent(trx, { type: "economy.proposal.created", payload: { proposalId: row.id } });
    return row;
  });
  const copy = await waitFor(
    "B keeps a copy of A's second offer",
    () =>
      b.node.db.db
        .selectFrom("econ_proposals")
        .select("id")
        .where("uri", "=", p.uri)
        .executeTakeFirst(),
    SLOW,
  );
  const { token } = await memberClient(b, "bianca");
  const report = (body: Record<string, unknown>) =>
    fetch(`${b.url}/api/synco/v1/economy/proposals/${copy.id}/report`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const kept = await report({ comment: "Stays with B" });
  assert.equal(kept.status, 201);
  assert.equal(((await kept.json()) as { forwarded?: boolean }).forwarded, false);
  const sent = await report({ comment: "Not quinces at all", forward: true });
  assert.equal(sent.status, 201);
  assert.equal(((await sent.json()) as { forwarded?: boolean }).forwarded, true);
  // Bad input is refused and files nothing.
  const before = (await reportsOn(b, p.uri)).length;
  assert.equal((await report({ comment: "x".repeat(6000), forward: true })).status, 422);
  assert.equal((await reportsOn(b, p.uri)).length, before);

  const onA = await waitFor(
    "A files the report forwarded through the API",
    async () => {
      const rows = await reportsOn(a, p.uri);
      return rows.length ? rows : null;
    },
    SLOW,
  );
  assert.deepEqual(
    onA.map((r) => [r.comment, r.reporter_uri, r.reporter_account_id]),
    [["Not quinces at all", coopUri(b.url), null]],
  );
});
