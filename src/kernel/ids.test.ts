import assert from "node:assert/strict";
import { test } from "node:test";
import { newId, newToken } from "./ids.ts";

test("ids made in one millisecond still sort in creation order", () => {
  const ids = Array.from({ length: 5000 }, () => newId(1_700_000_000_000));
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  assert.match(
    ids[0] ?? "",
    /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
});

test("ids keep increasing even when the clock steps back", () => {
  const later = newId(Date.now() + 10_000);
  assert.ok(newId() > later);
});

test("tokens are url-safe and distinct", () => {
  const a = newToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, newToken());
});
