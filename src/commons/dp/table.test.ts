import assert from "node:assert/strict";
import { test } from "node:test";
import { boundContributions, gridValues, makeGrid, parseCsv, tableFromColumns } from "./table.ts";

test("parses CSV with quotes, CRLF and blank lines", () => {
  const table = parseCsv('name,city,n\r\n"Doe, J.",Lyon,3\r\n\r\n"say ""hi""",Metz,4\r\n');
  assert.deepEqual(table.header, ["name", "city", "n"]);
  assert.equal(table.rowCount, 2);
  assert.deepEqual(table.column("name"), ["Doe, J.", 'say "hi"']);
  assert.deepEqual(table.column("n"), ["3", "4"]);
});

test("CSV errors name the problem", () => {
  assert.throws(() => parseCsv(""), /no header/);
  assert.throws(() => parseCsv("a,a\n1,2"), /duplicate/);
  assert.throws(() => parseCsv("a,b\n1,2\n3"), /line 3: 1 fields, expected 2/);
  assert.throws(() => parseCsv("a,b\n1,2").column("c"), /no column "c" \(columns: a, b\)/);
  assert.throws(() => tableFromColumns({ a: ["1"], b: [] }), /different length/);
});

test("contribution bounding keeps each unit's first k rows", () => {
  const table = tableFromColumns({
    pid: ["a", "b", "a", "a", "c", "b"],
    x: ["1", "2", "3", "4", "5", "6"],
  });
  assert.deepEqual([...boundContributions(table, "pid", 1)], [0, 1, 4]);
  assert.deepEqual([...boundContributions(table, "pid", 2)], [0, 1, 2, 4, 5]);
  assert.deepEqual([...boundContributions(table, undefined, 1)], [0, 1, 2, 3, 4, 5]);
  assert.throws(() => boundContributions(table, "pid", 0), /≥ 1/);
});

test("the grid puts bounds inward on grid points and rounds and clamps values", () => {
  const grid = makeGrid("0.5", "-1.2", "2.2");
  assert.equal(grid.lower, -2); // −1.0 is the first grid point ≥ −1.2
  assert.equal(grid.upper, 4); // 2.0 the last ≤ 2.2
  const table = tableFromColumns({ x: ["0.74", "-9", "100", "", "abc", "1.26", "0.25"] });
  const { values, rows } = gridValues(table, "x", Uint32Array.from([0, 1, 2, 3, 4, 5, 6]), grid);
  assert.deepEqual([...values], [1, -2, 4, 3, 1]); // 0.74→0.5, clamped −1, clamped 2, 1.26→1.5, 0.25→0.5
  assert.deepEqual([...rows], [0, 1, 2, 5, 6]); // blank and non-numbers dropped
  assert.throws(() => makeGrid("0", "0", "1"), /step/);
  assert.throws(() => makeGrid("1", "0.2", "0.8"), /no grid point/);
  assert.throws(() => makeGrid("1", "0", "1e30"), /too large/);
});
