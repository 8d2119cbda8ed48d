import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Temporal } from "@js-temporal/polyfill";
import { onPostgres, testDatabase } from "../../../test/support/db.ts";
import { type Db, openDatabase } from "../../db/database.ts";
import { fixedClock } from "../../kernel/clock.ts";
import { DatabaseKvStore } from "./kv-store.ts";
import { DatabaseMessageQueue } from "./message-queue.ts";

let handle: Db;
before(async () => {
  handle = await testDatabase();
});
after(() => handle.close());

test("kv: set, get, overwrite, delete", async () => {
  const kv = new DatabaseKvStore(handle);
  assert.equal(await kv.get(["a"]), undefined);
  await kv.set(["a"], { n: 1 });
  assert.deepEqual(await kv.get(["a"]), { n: 1 });
  await kv.set(["a"], [1, "two"]);
  assert.deepEqual(await kv.get(["a"]), [1, "two"]);
  await kv.delete(["a"]);
  assert.equal(await kv.get(["a"]), undefined);
});

test("kv: ignored keys are neither stored nor found (Fedify's id-only idempotence records)", async () => {
  const kv = new DatabaseKvStore(handle, undefined, { ignore: (key) => key[0] === "skip" });
  await kv.set(["skip", "x"], true);
  assert.equal(await kv.get(["skip", "x"]), undefined);
  const row = await handle.db
    .selectFrom("kv")
    .select("key")
    .where("key", "=", JSON.stringify(["skip", "x"]))
    .executeTakeFirst();
  assert.equal(row, undefined);
  await kv.set(["keep", "x"], true);
  assert.equal(await kv.get(["keep", "x"]), true);
});

test("kv: entries expire after their ttl", async () => {
  const clock = fixedClock(new Date("2026-01-01T00:00:00Z"));
  const kv = new DatabaseKvStore(handle, clock);
  await kv.set(["ttl"], "v", { ttl: Temporal.Duration.from({ seconds: 30 }) as never });
  assert.equal(await kv.get(["ttl"]), "v");
  clock.advance(31_000);
  assert.equal(await kv.get(["ttl"]), undefined);
  assert.equal(await kv.sweep(), 1);
});

test("kv: list by prefix does not match a longer sibling key", async () => {
  const kv = new DatabaseKvStore(handle);
  await kv.set(["p", "x"], 1);
  await kv.set(["p", "x", "y"], 2);
  await kv.set(["p", "xz"], 3);
  await kv.set(["q"], 4);
  const keys = [];
  for await (const entry of kv.list(["p", "x"])) keys.push(entry.key.join("/"));
  assert.deepEqual(keys.sort(), ["p/x", "p/x/y"]);
});

test("kv: compare-and-swap succeeds only on the expected value", async () => {
  const kv = new DatabaseKvStore(handle);
  assert.equal(await kv.cas(["c"], undefined, 1), true);
  assert.equal(await kv.cas(["c"], 2, 3), false);
  assert.equal(await kv.get(["c"]), 1);
  assert.equal(await kv.cas(["c"], 1, { v: 2 }), true);
  assert.deepEqual(await kv.get(["c"]), { v: 2 });
});

async function drain(
  queue: DatabaseMessageQueue,
  count: number,
  handler: (m: unknown) => Promise<void> | void,
) {
  const controller = new AbortController();
  let seen = 0;
  const deadline = setTimeout(() => controller.abort(), 10_000);
  await queue.listen(
    async (m) => {
      if (++seen >= count) controller.abort();
      await handler(m);
    },
    { signal: controller.signal },
  );
  clearTimeout(deadline);
  return seen;
}

test("queue: every message is handled once and removed", async () => {
  const queue = new DatabaseMessageQueue(handle, { queue: "once", concurrency: 4 });
  await queue.enqueueMany(Array.from({ length: 50 }, (_, i) => ({ i })));
  const seen: number[] = [];
  await drain(queue, 50, (m) => {
    seen.push((m as { i: number }).i);
  });
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.deepEqual(await queue.getDepth(), { queued: 0, ready: 0, delayed: 0 });
});

test("queue: messages with one ordering key are handled in order", async () => {
  const queue = new DatabaseMessageQueue(handle, { queue: "ordered", concurrency: 4 });
  for (let i = 0; i < 20; i++) await queue.enqueue({ i }, { orderingKey: "k" });
  const seen: number[] = [];
  await drain(queue, 20, async (m) => {
    await new Promise((r) => setTimeout(r, Math.random() * 3));
    seen.push((m as { i: number }).i);
  });
  assert.deepEqual(
    seen,
    Array.from({ length: 20 }, (_, i) => i),
  );
});

test("queue: a delayed message waits", async () => {
  const queue = new DatabaseMessageQueue(handle, { queue: "delayed" });
  await queue.enqueue("later", { delay: Temporal.Duration.from({ hours: 1 }) as never });
  assert.equal(await queue.claim(), undefined);
  assert.deepEqual(await queue.getDepth(), { queued: 1, ready: 0, delayed: 1 });
});

test("queue: a handler that throws leaves the message for a retry", async () => {
  const queue = new DatabaseMessageQueue(handle, { queue: "retry" });
  await queue.enqueue("boom");
  await drain(queue, 1, () => {
    throw new Error("delivery failed");
  });
  const depth = await queue.getDepth();
  assert.equal(depth.queued, 1);
  assert.equal(depth.delayed, 1);
});

test("queue: a claim held by a dead worker is taken again when its lease ends", async () => {
  const dead = new DatabaseMessageQueue(handle, { queue: "lease", leaseMs: 50 });
  await dead.enqueue("x");
  assert.ok(await dead.claim());
  assert.equal(await dead.claim(), undefined);
  await new Promise((r) => setTimeout(r, 60)); // the lease itself is what is under test
  const again = await new DatabaseMessageQueue(handle, { queue: "lease" }).claim();
  assert.equal(again?.attempts, 2);
});

// On PostgreSQL two pools race for rows (SKIP LOCKED). SQLite is one connection per
// process, and node:sqlite blocks the thread while it waits for a lock, so there the
// race is between concurrent claims sharing the connection.
test("queue: concurrent claimers never take the same message", async () => {
  const second = onPostgres ? await openDatabase(handle.url, { poolSize: 4 }) : handle;
  try {
    const a = new DatabaseMessageQueue(handle, { queue: "shared" });
    const b = new DatabaseMessageQueue(second, { queue: "shared" });
    await a.enqueueMany(Array.from({ length: 40 }, (_, i) => i));
    const claims = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).claim()));
    const ids = claims.filter((c) => c !== undefined).map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.length >= 20);
  } finally {
    if (second !== handle) await second.close();
  }
});

test("queue: a live handler renews its claim, so a slow delivery is not taken twice", async () => {
  // A lease long enough that a loaded machine's scheduling delays (tens of ms, seen
  // on CI with a 60 ms lease) don't pass for a dead handler; renewed every 300 ms.
  const live = new DatabaseMessageQueue(handle, { queue: "renew", leaseMs: 900 });
  const other = new DatabaseMessageQueue(handle, { queue: "renew", leaseMs: 900 });
  await live.enqueue("slow");
  const controller = new AbortController();
  let stolen: unknown;
  const listening = live.listen(
    async () => {
      // Well past three leases: without renewal the other worker would claim it here.
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 600));
        stolen ??= await other.claim();
      }
      controller.abort();
    },
    { signal: controller.signal },
  );
  await listening;
  assert.equal(stolen, undefined);
  assert.deepEqual(await live.getDepth(), { queued: 0, ready: 0, delayed: 0 });
});

test("kv: memoized keys are served from memory, and writes and deletes keep it right", async () => {
  const kv = new DatabaseKvStore(handle, undefined, { memoize: (key) => key[0] === "m" });
  await kv.set(["m", "a"], { v: 1 });
  await kv.set(["plain"], 1);
  // Changed behind the store's back (as by another process): memory still answers for
  // memoized keys, the database for the others.
  await handle.db.updateTable("kv").set({ value: '{"v":2}' }).execute();
  assert.deepEqual(await kv.get(["m", "a"]), { v: 1 });
  assert.deepEqual(await kv.get(["plain"]), { v: 2 });
  await kv.set(["m", "a"], { v: 3 });
  assert.deepEqual(await kv.get(["m", "a"]), { v: 3 });
  await kv.delete(["m", "a"]);
  assert.equal(await kv.get(["m", "a"]), undefined);
  assert.equal(await kv.cas(["m", "b"], undefined, 5), true);
  assert.equal(await kv.get(["m", "b"]), 5);
});
