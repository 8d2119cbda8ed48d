import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testDatabase } from "../../test/support/db.ts";
import type { Db } from "../db/database.ts";
import { fixedClock } from "../kernel/clock.ts";
import { RateLimiter } from "./rate-limits.ts";

let handle: Db;
before(async () => {
  handle = await testDatabase();
});
after(() => handle.close());

const limit = { name: "test", max: 3, windowMs: 60_000 };

test("a limit bites after max hits and lifts when the window has passed", async () => {
  const clock = fixedClock(new Date("2026-01-01T00:00:00Z"));
  const limiter = new RateLimiter(handle.db, clock);
  for (let i = 0; i < 3; i++) assert.equal(await limiter.hit(limit, "1.2.3.4"), true);
  assert.equal(await limiter.hit(limit, "1.2.3.4"), false);
  assert.equal(await limiter.hit(limit, "5.6.7.8"), true, "other subjects are not affected");
  clock.advance(59_999);
  assert.equal(await limiter.hit(limit, "1.2.3.4"), false, "still inside the window");
  clock.advance(1);
  assert.equal(await limiter.hit(limit, "1.2.3.4"), true, "a new window starts at one");
  const row = await handle.db
    .selectFrom("rate_limits")
    .selectAll()
    .where("key", "=", "test:1.2.3.4")
    .executeTakeFirstOrThrow();
  assert.equal(row.count, 1);
});

test("two limiters on one database share the count (as several web processes do)", async () => {
  const clock = fixedClock(new Date("2026-01-02T00:00:00Z"));
  const a = new RateLimiter(handle.db, clock);
  const b = new RateLimiter(handle.db, clock);
  await Promise.all([a.hit(limit, "shared"), b.hit(limit, "shared"), a.hit(limit, "shared")]);
  assert.equal(await b.hit(limit, "shared"), false);
  await a.clear(limit, "shared");
  assert.equal(await b.hit(limit, "shared"), true);
});

test("reserve counts before the work: of 500 concurrent attempts exactly max go ahead, on every pool connection", async () => {
  const clock = fixedClock(new Date("2026-01-04T00:00:00Z"));
  // One limiter per pool connection's worth of callers, as several web processes would be.
  const limiters = [0, 1, 2, 3].map(() => new RateLimiter(handle.db, clock));
  const tight = { name: "race", max: 10, windowMs: 60_000 };
  const results = await Promise.all(
    Array.from({ length: 500 }, (_, i) =>
      (limiters[i % 4] as RateLimiter).reserve([{ limit: tight, subject: "victim" }]),
    ),
  );
  const admitted = results.filter((r) => r.ok);
  assert.equal(admitted.length, 10);
  for (const r of results) if (!r.ok) assert.equal(r.retryAfterMs, 60_000);
});

test("release gives an attempt back; a refused reservation charges no later counter", async () => {
  const clock = fixedClock(new Date("2026-01-05T00:00:00Z"));
  const limiter = new RateLimiter(handle.db, clock);
  const one = { name: "one", max: 1, windowMs: 60_000 };
  const other = { name: "other", max: 5, windowMs: 60_000 };
  const first = await limiter.reserve([{ limit: one, subject: "s" }]);
  assert.ok(first.ok);
  await first.release();
  const second = await limiter.reserve([{ limit: one, subject: "s" }]);
  assert.ok(second.ok, "the released attempt left room");
  clock.advance(20_000);
  const third = await limiter.reserve([
    { limit: one, subject: "s" },
    { limit: other, subject: "s" },
  ]);
  assert.deepEqual(third, { ok: false, retryAfterMs: 40_000 });
  const row = await handle.db
    .selectFrom("rate_limits")
    .select("count")
    .where("key", "=", "other:s")
    .executeTakeFirst();
  assert.equal(row, undefined);
});

test("sweep drops finished windows only", async () => {
  const clock = fixedClock(new Date("2026-01-03T00:00:00Z"));
  const limiter = new RateLimiter(handle.db, clock);
  await limiter.hit(limit, "old");
  clock.advance(30_000);
  await limiter.hit(limit, "young");
  clock.advance(30_000);
  await limiter.sweep();
  const keys = (
    await handle.db
      .selectFrom("rate_limits")
      .select("key")
      .where("key", "in", ["test:old", "test:young"])
      .execute()
  ).map((r) => r.key);
  assert.deepEqual(keys, ["test:young"]);
});
