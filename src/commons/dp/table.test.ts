import assert from "node:assert/strict";
import { test } from "node:test";
import { type QuerySpec, runQuery } from "./query.ts";
import { seededByteSource } from "./random.ts";
import {
  boundContributions,
  gridValues,
  makeGrid,
  parseCsv,
  tableFromColumns,
  tableFromTyped,
} from "./table.ts";

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

/** A table of strings and the same table by typed columns (units as ids, keys as codes). */
function twoForms(rows: number, seed: number) {
  let state = seed;
  const next = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  const labels = ["care", "food", "repair"];
  const unitIds = Int32Array.from({ length: rows }, () => next(12));
  const numbers = Float64Array.from({ length: rows }, () =>
    next(10) === 0 ? Number.NaN : next(600) - 100,
  );
  // Code 3 is no label: a blank cell, like the empty string on the other side.
  const codes = Int32Array.from({ length: rows }, () => next(4));
  const strings = tableFromColumns({
    unit: Array.from(unitIds, (id) => `member-${id}`),
    hours: Array.from(numbers, (x) => (Number.isNaN(x) ? "" : String(x))),
    sector: Array.from(codes, (c) => labels[c] ?? ""),
  });
  const typed = tableFromTyped({
    unit: { ids: unitIds },
    hours: { numbers },
    sector: { codes, labels },
  });
  return { strings, typed };
}

test("a typed table gives the very release its strings give, seed for seed", () => {
  const { strings, typed } = twoForms(500, 7);
  const common = { unit: "unit", maxRowsPerUnit: 3, rho: 0.5 } as const;
  const specs: QuerySpec[] = [
    { ...common, mechanism: "count" },
    { ...common, mechanism: "count", by: "sector", keys: ["care", "food", "repair"] },
    { ...common, mechanism: "histogram", column: "sector", keys: ["repair", "care"] },
    { ...common, mechanism: "sum", column: "hours", lower: "0", upper: "400", noise: "laplace" },
    {
      ...common,
      mechanism: "mean",
      column: "hours",
      lower: "-50",
      upper: "400",
      by: "sector",
      keys: ["food", "care", "repair"],
    },
    { ...common, mechanism: "mean", column: "hours", lower: "0", upper: "40", grid: "0.5" },
    {
      ...common,
      mechanism: "quantile",
      column: "hours",
      quantile: "0.5",
      candidates: [0, 100, 200, 300],
    },
  ];
  for (const spec of specs) {
    const fromStrings = runQuery(strings, spec, seededByteSource(spec.mechanism));
    const fromTyped = runQuery(typed, spec, seededByteSource(spec.mechanism));
    assert.deepEqual(fromTyped, fromStrings, spec.mechanism);
  }
  // The bounding itself, and the strings a typed column stands for.
  assert.deepEqual(boundContributions(typed, "unit", 2), boundContributions(strings, "unit", 2));
  assert.deepEqual(typed.column("sector"), strings.column("sector"));
  assert.deepEqual(typed.column("hours"), strings.column("hours"));
  assert.throws(
    () => tableFromTyped({ a: { ids: new Int32Array(2) }, b: { numbers: new Float64Array(1) } }),
    /different length/,
  );
});

test("bounding by ids works for sparse and negative ids too", () => {
  const ids = Int32Array.from([5_000_000, -3, 5_000_000, -3, -3, 7]);
  const typed = tableFromTyped({ unit: { ids } });
  const strings = tableFromColumns({ unit: Array.from(ids, String) });
  assert.deepEqual([...boundContributions(typed, "unit", 1)], [0, 1, 5]);
  assert.deepEqual(boundContributions(typed, "unit", 2), boundContributions(strings, "unit", 2));
});
