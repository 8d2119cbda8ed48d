import assert from "node:assert/strict";
import { test } from "node:test";
import { FeedCache } from "./cache.ts";
import { isNotModified } from "./conditional.ts";

const render = (body: string) => async () => ({ body, updated: "2026-12-01T10:00:00.000Z" });

test("a cached feed is served until an invalidation, then rendered again", async () => {
  const cache = new FeedCache();
  let renders = 0;
  const counted = async () => {
    renders++;
    return { body: `v${renders}`, updated: "2026-12-01T10:00:00.000Z" };
  };
  const first = await cache.getOrRender("k", counted);
  assert.equal((await cache.getOrRender("k", counted))?.body, first?.body);
  assert.equal(renders, 1);
  cache.invalidate();
  assert.equal((await cache.getOrRender("k", counted))?.body, "v2");
  assert.notEqual(first?.etag, cache.get("k")?.etag);
  assert.equal(first?.lastModified, "Tue, 01 Dec 2026 10:00:00 GMT");
});

test("entries expire, are capped, and a missing feed is never stored", async () => {
  let now = 0;
  const cache = new FeedCache({ maxAgeMs: 1000, maxEntries: 2, now: () => now });
  await cache.getOrRender("a", render("a"));
  now = 1001;
  assert.equal(cache.get("a"), null);
  await cache.getOrRender("a", render("a"));
  await cache.getOrRender("b", render("b"));
  await cache.getOrRender("c", render("c"));
  assert.equal(cache.get("a"), null, "the oldest went first");
  assert.ok(cache.get("c"));
  assert.equal(await cache.getOrRender("missing", async () => null), null);
  assert.equal(cache.get("missing"), null);
});

test("a write during a render leaves that render stale", async () => {
  const cache = new FeedCache();
  await cache.getOrRender("k", async () => {
    cache.invalidate();
    return { body: "old", updated: "2026-12-01T10:00:00.000Z" };
  });
  assert.equal(cache.get("k"), null);
});

test("conditional GET: If-None-Match wins; weak and list forms; If-Modified-Since by the second", () => {
  const v = { etag: '"abc"', lastModified: "Tue, 01 Dec 2026 10:00:00 GMT" };
  assert.equal(isNotModified({ ifNoneMatch: '"abc"' }, v), true);
  assert.equal(isNotModified({ ifNoneMatch: 'W/"abc"' }, v), true);
  assert.equal(isNotModified({ ifNoneMatch: '"x", "abc"' }, v), true);
  assert.equal(isNotModified({ ifNoneMatch: "*" }, v), true);
  assert.equal(isNotModified({ ifNoneMatch: '"x"', ifModifiedSince: v.lastModified }, v), false);
  assert.equal(isNotModified({ ifModifiedSince: v.lastModified }, v), true);
  assert.equal(isNotModified({ ifModifiedSince: "Tue, 01 Dec 2026 09:59:59 GMT" }, v), false);
  assert.equal(isNotModified({ ifModifiedSince: "not a date" }, v), false);
  assert.equal(isNotModified({}, v), false);
});
