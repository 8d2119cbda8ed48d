/**
 * The column-loaded read of a query's rows (query-table.ts) against the plain
 * one it replaced, on SQLite or PostgreSQL (TEST_DATABASE_URL): rows read as
 * strings in id order into a string table. Both must give the engine the same
 * release from the same seed, for every mechanism, and count the same clipped
 * units — over rows with awkward unit keys, values out of bounds, blank and
 * odd numbers, categories outside the public list, withdrawn rows, ids not in
 * insertion order, and chunk boundaries anywhere.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type CommonsFixture, commonsFixture } from "../../test/support/commons.ts";
import { type Dataset, findDataset } from "./datasets.ts";
import { runQuery, seededByteSource, type Table, tableFromColumns } from "./dp/index.ts";
import { canonicalQuery } from "./fields.ts";
import { engineSpec } from "./queries.ts";
import { boundsOf, loadQueryTable } from "./query-table.ts";

let f: CommonsFixture;
let dataset: Dataset;
const PERIOD = "2026-12";

function random(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
}

before(async () => {
  f = await commonsFixture();
  const ada = await f.member("ada", "admin");
  const found = await findDataset(f.handle.db, await f.dataset(ada, { maxRowsPerUnit: 3 }));
  assert.ok(found);
  dataset = found;
  const next = random(22);
  const units = [
    "a",
    "ünit-ñ 🌱",
    "https://coop.example/users/coop",
    ...Array.from({ length: 30 }, (_, i) => `01JX${i}${"k".repeat(i % 7)}`),
  ];
  const hours = ["0", "400", "401", "-1", "250", "", "007", "-0", "12.5", " 17", "abc", "99"];
  const sectors = ["care", "food", "repair", "care", null, "other"];
  const order = Array.from({ length: 400 }, (_, i) => i).sort(() => next(3) - 1);
  const rows = order.map((i) => ({
    id: `r${String((i * 7919) % 1000).padStart(4, "0")}-${i}`,
    dataset_id: dataset.id,
    account_id: ada.id,
    unit_key: units[next(units.length)] ?? "a",
    consent_id: "c",
    f0: next(9) === 0 ? (hours[next(hours.length)] ?? "") : String(next(460) - 20),
    f1: sectors[next(sectors.length)] ?? null,
    created_at: "2026-12-01T00:00:00.000Z",
    // Some rows withdrawn: before this period (gone), or from a later one (still in).
    excluded_from: next(10) === 0 ? (next(2) ? "2026-11" : "2027-01") : null,
  }));
  // Edges of the per-unit rule (k = 3), in bounds: exactly k rows (kept whole),
  // k + 1 rows (clipped), and an out-of-bounds value only after the k kept ones.
  const edges = [
    ["exactly-k", ["10", "20", "30"]],
    ["one-beyond-k", ["10", "20", "30", "40"]],
    ["late-out-of-bounds", ["10", "20", "30", "999"]],
    ["early-out-of-bounds", ["10", "999"]],
  ] as const;
  for (const [unit, values] of edges)
    for (const [j, value] of values.entries())
      rows.push({
        ...(rows[0] as (typeof rows)[number]),
        id: `r${String(1000 + rows.length).padStart(4, "0")}-${unit}-${j}`,
        unit_key: unit,
        f0: value,
        f1: "care",
        excluded_from: null,
      });
  for (let i = 0; i < rows.length; i += 100)
    await f.handle.db
      .insertInto("commons_rows")
      .values(rows.slice(i, i + 100))
      .execute();
});
after(() => f.handle.close());

/** The plain read: every column as strings, in id order, into a string table. */
async function stringTable(): Promise<{ table: Table; unit: string[]; hours: string[] }> {
  const rows = await f.handle.db
    .selectFrom("commons_rows")
    .select(["id", "unit_key", "f0", "f1"])
    .where("dataset_id", "=", dataset.id)
    .where((eb) => eb.or([eb("excluded_from", "is", null), eb("excluded_from", ">", PERIOD)]))
    .execute();
  // In code point order, as neither database's collation is asked for.
  rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const unit = rows.map((r) => r.unit_key);
  const hours = rows.map((r) => r.f0 ?? "");
  const table = tableFromColumns({ unit, hours, sector: rows.map((r) => r.f1 ?? "") });
  return { table, unit, hours };
}

/** The clipped-units count as it was computed over strings: a map per unit key. */
function clippedUnits(unit: string[], hours: string[], k: number, bounded: boolean): number {
  const field = dataset.fieldList[0];
  assert.ok(field?.type === "number");
  const { lower, upper } = boundsOf(field);
  const seen = new Map<string, number>();
  let clipped = 0;
  unit.forEach((u, i) => {
    const n = seen.get(u) ?? 0;
    if (n < 0) return;
    const text = hours[i] ?? "";
    const x = text.trim() === "" ? Number.NaN : Number(text);
    if (n >= k || (bounded && (x < lower || x > upper))) {
      seen.set(u, -1);
      clipped++;
    } else seen.set(u, n + 1);
  });
  return clipped;
}

const QUERIES = [
  { mechanism: "count" },
  { mechanism: "count", by: "sector" },
  { mechanism: "histogram", field: "sector" },
  { mechanism: "sum", field: "hours", by: "sector", noise: "laplace" },
  { mechanism: "mean", field: "hours", by: "sector" },
  { mechanism: "mean", field: "hours" },
  { mechanism: "quantile", field: "hours", quantile: 0.25 },
];

test("the column-loaded read gives the release the plain read gives, seed for seed", async () => {
  // The ordering assumption is checked, not taken on trust: the ids were inserted shuffled.
  const { table: plain, unit, hours } = await stringTable();
  assert.ok(plain.rowCount > 300 && plain.rowCount < 420, `${plain.rowCount} rows`);
  for (const chunkRows of [1, 37, 100, 100_000]) {
    for (const raw of QUERIES) {
      const q = canonicalQuery(dataset.fieldList, dataset, { ...raw, rho: 0.5 });
      assert.ok(q.ok, JSON.stringify(q));
      const loaded = await loadQueryTable(f.handle.db, dataset, q.value, PERIOD, chunkRows);
      assert.equal(loaded.rows, plain.rowCount);
      const spec = engineSpec(dataset.fieldList, q.value, 0.45);
      const seed = `${raw.mechanism}-${chunkRows}`;
      assert.deepEqual(
        runQuery(loaded.table, spec, seededByteSource(seed)),
        runQuery(plain, spec, seededByteSource(seed)),
        `${JSON.stringify(raw)}, chunks of ${chunkRows}`,
      );
      const bounded = raw.mechanism !== "count" && raw.field === "hours";
      assert.equal(
        loaded.clippedTable.rowCount,
        clippedUnits(unit, hours, q.value.rowsPerUnit, bounded),
        `clipped units, ${JSON.stringify(raw)}`,
      );
    }
  }
  // Something was clipped both ways (beyond k and out of bounds), so the count was tested.
  assert.ok(clippedUnits(unit, hours, 3, false) > 0);
  assert.ok(clippedUnits(unit, hours, 1000, true) > 0);
});

test("a dataset with no rows reads as an empty table", async () => {
  const ada = await f.member("bo", "admin");
  const empty = await findDataset(f.handle.db, await f.dataset(ada, { title: "Empty" }));
  assert.ok(empty);
  const q = canonicalQuery(empty.fieldList, empty, { mechanism: "mean", field: "hours" });
  assert.ok(q.ok);
  const loaded = await loadQueryTable(f.handle.db, empty, q.value, PERIOD);
  assert.equal(loaded.rows, 0);
  assert.equal(loaded.table.rowCount, 0);
  assert.equal(loaded.clippedTable.rowCount, 0);
});
