import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSeriesCsv } from "./csv.ts";

test("reads t,value rows, numeric t as numbers and labels as strings", () => {
  assert.deepEqual(parseSeriesCsv("t,value\r\n1,2.5\n2,-3e2\n\n2026-11-03,4\n"), [
    { t: 1, value: 2.5 },
    { t: 2, value: -300 },
    { t: "2026-11-03", value: 4 },
  ]);
  assert.deepEqual(parseSeriesCsv('"T","Value"\n"a",1'), [{ t: "a", value: 1 }]);
});

test("errors name the line", () => {
  assert.throws(() => parseSeriesCsv("time,value\n1,2"), /line 1: expected the header "t,value"/);
  assert.throws(
    () => parseSeriesCsv("t,value\n1,2\n2,abc"),
    /line 3: value "abc" is not a finite number/,
  );
  assert.throws(() => parseSeriesCsv("t,value\n1,2,3"), /line 2: expected 2 fields/);
  assert.throws(() => parseSeriesCsv("t,value\n1,"), /line 2: value "" is not a finite number/);
  assert.throws(() => parseSeriesCsv("t,value\n"), /no observations/);
});
