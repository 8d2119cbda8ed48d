import assert from "node:assert/strict";
import { test } from "node:test";
import {
  emptyScore,
  labelledSeries,
  precision,
  recall,
  scoreSeries,
  seededRandom,
} from "./scenarios.ts";

test("scoring: an alarm counts within six steps at or after a change", () => {
  const s = emptyScore();
  // Change 8 is hit by 10 (2 after); change 50 is missed (alarm 30 is before it, 57 too late).
  scoreSeries(s, [10, 30, 57], [8, 50], 100);
  assert.deepEqual(s, { alarms: 3, hits: 1, changes: 2, found: 1, steps: 100 });
  assert.equal(precision(s), 1 / 3);
  assert.equal(recall(s), 1 / 2);
  scoreSeries(s, [56], [50], 100); // exactly six after: a hit
  assert.equal(s.hits, 2);
  assert.ok(Number.isNaN(precision(emptyScore())));
});

test("labelled series are reproducible and their changes are where they say", () => {
  const a = labelledSeries("step", 1, seededRandom(7));
  const b = labelledSeries("step", 1, seededRandom(7));
  assert.deepEqual(a, b);
  assert.equal(a.changes.length, 2);
  for (const c of a.changes) {
    assert.ok(c >= 30 && c < 150);
    // The level moves by at least 8 across the change, far more than the noise.
    const before = a.values.slice(c - 5, c).reduce((x, y) => x + y, 0) / 5;
    const after = a.values.slice(c, c + 5).reduce((x, y) => x + y, 0) / 5;
    assert.ok(Math.abs(after - before) > 5, `jump at ${c}: ${after - before}`);
  }
  assert.deepEqual(labelledSeries("none", 1, seededRandom(1)).changes, []);
});
