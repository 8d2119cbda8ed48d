import assert from "node:assert/strict";
import { test } from "node:test";
import { dayDate, exactDate, relativeDate, timeTag } from "./time.ts";

const now = Date.parse("2026-12-05T12:00:00Z");
const ago = (ms: number) => new Date(now - ms).toISOString();

test("relative times: now, minutes, hours, then the day, with the year only when it differs", () => {
  assert.equal(relativeDate("en", ago(20_000), now), "now");
  assert.equal(relativeDate("es", ago(20_000), now), "ahora");
  assert.equal(relativeDate("en", ago(3 * 60_000 + 5_000), now), "3 min");
  assert.equal(relativeDate("en", ago(2 * 3_600_000 + 60_000), now), "2 h");
  assert.equal(relativeDate("es", ago(23 * 3_600_000), now), "23 h");
  assert.equal(relativeDate("en", "2026-03-02T10:00:00Z", now), "2 Mar");
  assert.equal(relativeDate("es", "2026-03-02T10:00:00Z", now), "2 mar");
  assert.equal(relativeDate("en", "2025-03-02T10:00:00Z", now), "2 Mar 2025");
  // A moment ahead of our clock shows its day, not a negative age.
  assert.equal(relativeDate("en", "2026-12-06T10:00:00Z", now), "6 Dec");
});

test("one exact format per language, carried as the <time> title", () => {
  const iso = "2026-03-02T10:05:00.000Z";
  const en = exactDate("en", iso);
  const es = exactDate("es", iso);
  assert.match(en, /^2 Mar 2026, \d\d:05$/);
  assert.match(es, /^2 mar 2026, \d\d:05$/);
  assert.equal(
    String(timeTag("es", iso, now)),
    `<time datetime="${iso}" title="${es}">2 mar</time>`,
  );
});

test("an unknown locale falls back to English words", () => {
  assert.equal(relativeDate("xx", ago(5 * 60_000), now), "5 min");
});

test("pages kept rendered show the day, never an age that goes stale", () => {
  assert.equal(dayDate("en", ago(60_000), now), "5 Dec");
  assert.equal(dayDate("es", "2025-12-31T10:00:00Z", now), "31 dic 2025");
});
