import assert from "node:assert/strict";
import { test } from "node:test";
import { StampedCache } from "./stamped-cache.ts";

test("a value is served only under the stamp it was kept with", () => {
  const cache = new StampedCache<string>(10);
  cache.set("p1", "2026-01-01", "first");
  assert.equal(cache.get("p1", "2026-01-01"), "first");
  assert.equal(cache.get("p1", "2026-01-02"), undefined, "an edited row misses");
  cache.set("p1", "2026-01-02", "edited");
  assert.equal(cache.get("p1", "2026-01-02"), "edited");
  assert.equal(cache.get("p1", "2026-01-01"), undefined);
});

test("bounded: the least recently used goes first", () => {
  const cache = new StampedCache<number>(2);
  cache.set("a", "1", 1);
  cache.set("b", "1", 2);
  assert.equal(cache.get("a", "1"), 1, "a is now the most recent");
  cache.set("c", "1", 3);
  assert.equal(cache.size, 2);
  assert.equal(cache.get("b", "1"), undefined, "b went");
  assert.equal(cache.get("a", "1"), 1);
  assert.equal(cache.get("c", "1"), 3);
});
