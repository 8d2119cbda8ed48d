/**
 * A remote account in the client API, between two real Synco nodes (127.0.234.x):
 * - its counts are what its own server says (remote_actors.posts_count,
 *   followers_count, following_count: the totalItems of its collections), not
 *   what this node happens to hold, as on Mastodon; a member's request for a stale
 *   one queues a read (the outbox event `social.counts.requested`) and is answered
 *   at once; a visitor's request queues nothing (issue 23's gap);
 * - `POST /api/v1/reports` with `forward` sends the report to the account's server
 *   as a Flag from this node's co-op, the member unnamed; without it, it stays
 *   (issue 20's gap: no test covered the API's forward).
 * SQLite, or PostgreSQL with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadAccountJson } from "../src/api/serializers/account.ts";
import { waitFor } from "../src/federation/testing.ts";
import { coopUri } from "../src/kernel/uris.ts";
import { memberClient } from "./api-helpers.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let a: TestNode;
let b: TestNode;
let anaToken = "";
let beaRemoteId = "";
let beaUri = "";
const stops: (() => Promise<void>)[] = [];
const SLOW = 120_000;

before(async () => {
  const env = { SYNCO_LOG_LEVEL: "error" };
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.234.1", env }),
    startTestNode({ host: "127.0.234.2", env }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  anaToken = (await memberClient(a, "ana")).token;
  const bea = await memberClient(b, "bea");
  const cat = await memberClient(b, "cat");
  const dan = await memberClient(b, "dan");
  for (const text of ["One loaf", "Two loaves", "Three loaves"])
    await bea.client.v1.statuses.create({ status: text, visibility: "public" });
  await cat.client.v1.accounts.$select(bea.id).follow();
  await dan.client.v1.accounts.$select(bea.id).follow();
  await bea.client.v1.accounts.$select(cat.id).follow();
  const actor = await a.node.federation.lookup(`bea@${b.domain}`);
  assert.ok(actor, "A finds bea on B");
  beaRemoteId = actor.id;
  beaUri = actor.uri;
});

after(async () => {
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close()]);
});

const api = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${a.url}${path}`, {
    ...init,
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body ? { "content-type": "application/json" } : {}),
    },
  });

type Counts = { statuses_count: number; followers_count: number; following_count: number };
const countsOf = (x: Counts) => [x.statuses_count, x.followers_count, x.following_count];

const requests = async () =>
  (
    await a.node.db.db
      .selectFrom("outbox_events")
      .select("payload")
      .where("type", "=", "social.counts.requested")
      .execute()
  ).filter((e) => JSON.parse(e.payload).uri === beaUri).length;

test("a remote account shows its server's counts; a stale one is read again, queued", async () => {
  const first = await api(`/api/v1/accounts/${beaRemoteId}`, { token: anaToken });
  assert.equal(first.status, 200);
  // Nothing of bea's reached A: what A knows is nothing, and it answered without waiting.
  assert.deepEqual(countsOf((await first.json()) as Counts), [0, 0, 0]);
  assert.equal(await requests(), 1, "the member's request queued one read");

  const fresh = await waitFor(
    "A serves the counts B gives",
    async () => {
      const res = await api(`/api/v1/accounts/${beaRemoteId}`, { token: anaToken });
      const body = (await res.json()) as Counts;
      return body.statuses_count === 3 ? body : null;
    },
    SLOW,
  );
  assert.deepEqual(countsOf(fresh), [3, 2, 1]);
  // Fresh counts are not asked for again.
  assert.equal(await requests(), 1);
  // The same figures where an account is embedded (statuses, notifications) and by handle.
  const embedded = (
    await loadAccountJson({ db: a.node.db.db, origin: a.url, domain: a.domain }, [beaUri])
  ).get(beaUri);
  assert.ok(embedded);
  assert.deepEqual(countsOf(JSON.parse(embedded.json) as Counts), [3, 2, 1]);
  const looked = await api(`/api/v1/accounts/lookup?acct=bea@${b.domain}`, { token: anaToken });
  assert.deepEqual(countsOf((await looked.json()) as Counts), [3, 2, 1]);
});

test("stale counts: a visitor's request queues nothing; a member's queues one read", async () => {
  const hoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
  await a.node.db.db
    .updateTable("remote_actors")
    .set({ counts_fetched_at: hoursAgo })
    .where("id", "=", beaRemoteId)
    .execute();
  const asked = await requests();
  const visitor = await api(`/api/v1/accounts/${beaRemoteId}`);
  assert.equal(visitor.status, 200);
  assert.deepEqual(countsOf((await visitor.json()) as Counts), [3, 2, 1], "the last figures");
  assert.equal(await requests(), asked);
  await api(`/api/v1/accounts/lookup?acct=bea@${b.domain}`, { token: anaToken });
  assert.equal(await requests(), asked + 1);
  await waitFor(
    "the queued read is done",
    async () =>
      (
        await a.node.db.db
          .selectFrom("remote_actors")
          .select("counts_fetched_at")
          .where("id", "=", beaRemoteId)
          .executeTakeFirstOrThrow()
      ).counts_fetched_at !== hoursAgo,
    SLOW,
  );
});

test("POST /api/v1/reports with forward sends a Flag to the account's server; without, it stays", async () => {
  const report = (body: Record<string, unknown>) =>
    api("/api/v1/reports", {
      method: "POST",
      token: anaToken,
      body: JSON.stringify({ account_id: beaRemoteId, ...body }),
    });
  const kept = await report({ comment: "For our moderators only" });
  assert.equal(kept.status, 200);
  assert.equal(((await kept.json()) as { forwarded: boolean }).forwarded, false);
  const sent = await report({ comment: "Spam about bread", forward: true });
  assert.equal(sent.status, 200);
  assert.equal(((await sent.json()) as { forwarded: boolean }).forwarded, true);
  const onB = await waitFor(
    "B files the forwarded report",
    async () => {
      const rows = await b.node.db.db
        .selectFrom("reports")
        .select(["comment", "reporter_uri", "reporter_account_id", "target_uri"])
        .execute();
      return rows.length ? rows : null;
    },
    SLOW,
  );
  assert.deepEqual(onB, [
    {
      comment: "Spam about bread",
      reporter_uri: coopUri(a.url),
      reporter_account_id: null,
      target_uri: beaUri,
    },
  ]);
  // An unknown account is refused, nothing filed.
  const count = async () =>
    (await a.node.db.db.selectFrom("reports").select("id").execute()).length;
  const before = await count();
  const unknown = await api("/api/v1/reports", {
    method: "POST",
    token: anaToken,
    body: JSON.stringify({ account_id: "nobody", forward: true }),
  });
  assert.equal(unknown.status, 404);
  assert.equal(await count(), before);
});
