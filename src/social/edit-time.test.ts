import assert from "node:assert/strict";
import { test } from "node:test";
import { editTime } from "./edit-time.ts";

const now = new Date("2026-12-05T16:00:00.000Z");

test("an edit is stamped with its own time when later than the last edit", () => {
  assert.equal(editTime(null, "2026-12-05T15:00:01Z", now), "2026-12-05T15:00:01.000Z");
  assert.equal(
    editTime("2026-12-05T15:00:00.000Z", "2026-12-05T15:00:01Z", now),
    "2026-12-05T15:00:01.000Z",
  );
});

test("a second edit within the same second (or earlier) still gets a later stamp", () => {
  assert.equal(
    editTime("2026-12-05T15:00:01.000Z", "2026-12-05T15:00:01Z", now),
    "2026-12-05T15:00:01.001Z",
  );
  assert.equal(
    editTime("2026-12-05T15:00:05.000Z", "2026-12-05T15:00:01Z", now),
    "2026-12-05T15:00:05.001Z",
  );
});

test("an unreadable time is the clock's", () => {
  assert.equal(editTime(null, "yesterday", now), now.toISOString());
});
