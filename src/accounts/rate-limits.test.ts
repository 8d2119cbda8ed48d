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
  assert.equal(await limiter.allows(limit, "1.2.3.4"), true);
  for (let i = 0; i < 3; i++) assert.equal(await limiter.hit(limit, "1.2.3.4"), true);
  assert.equal(await limiter.allows(limit, "1.2.3.4"), false);
  assert.equal(await limiter.hit(limit, "1.2.3.4"), false);
  assert.equal(await limiter.allows(limit, "5.6.7.8"), true, "other subjects are not affected");
  clock.advance(59_999);
  assert.equal(await limiter.allows(limit, "1.2.3.4"), false, "still inside the window");
  clock.advance(1);
  assert.equal(await limiter.allows(limit, "1.2.3.4"), true);
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
  assert.equal(await b.allows(limit, "shared"), true);
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
