/**
 * The commons capability, verb by verb, on SQLite or PostgreSQL
 * (TEST_DATABASE_URL): declaring (moderators only), contributing with consent,
 * querying through the engine with the ledger charged, reusing an identical
 * query, refusing an overspend, signed releases, withdrawal from the next
 * period, the member's export and erasure. Refused input writes nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type CommonsFixture, commonsFixture, PURPOSE } from "../../test/support/commons.ts";
import type { LocalMember } from "../groups/context.ts";
import { assembly } from "../groups/groups.ts";
import {
  consentLog,
  contribute,
  myRows,
  releasesUsingMyData,
  rowsFromCsv,
  withdrawContributions,
} from "./contributions.ts";
import { commonsContributor } from "./data.ts";
import { declareDataset, findDataset } from "./datasets.ts";
import { canonicalJson } from "./fields.ts";
import { ledgerNow, queryDataset } from "./queries.ts";
import { findRelease, releaseCsv } from "./releases.ts";
import { openReports, reportDataset, settleReport } from "./reports.ts";
import { verifyRelease } from "./signing.ts";

let f: CommonsFixture;
let ada: LocalMember;
let bea: LocalMember;
let cyd: LocalMember;
let datasetId: string;
before(async () => {
  f = await commonsFixture();
  ada = await f.member("ada", "admin");
  bea = await f.member("bea");
  cyd = await f.member("cyd");
  datasetId = await f.dataset(ada);
});
after(() => f.handle.close());

const tables = [
  "commons_datasets",
  "commons_rows",
  "commons_consents",
  "commons_releases",
  "commons_ledger",
] as const;
async function nothingWritten(what: () => Promise<unknown>) {
  const counts = () => Promise.all(tables.map((t) => f.rows(t)));
  const before = await counts();
  await what();
  assert.deepEqual(await counts(), before);
}

test("only a moderator of the group declares, and a bad declaration writes nothing", async () => {
  const group = await assembly(f.handle.db);
  const input = {
    groupId: group.id,
    title: "Prices",
    purpose: "To compare what we pay for bread.",
    unit: "member" as const,
    period: "month" as const,
    budgetRho: 1,
    defaultRho: 0.1,
    fields: [{ type: "number", name: "price", decimals: 2, lower: "0", upper: "10" }],
  };
  await nothingWritten(async () => {
    assert.deepEqual(await declareDataset(f.cx, bea, input), { ok: false, reason: "forbidden" });
    const bad = [
      { ...input, fields: [{ type: "number", name: "p", decimals: 0, lower: "5", upper: "1" }] },
      { ...input, fields: [{ type: "number", name: "p", decimals: 0, lower: "0.5", upper: "1" }] },
      { ...input, fields: [{ type: "category", name: "c", values: ["a", "a"] }] },
      { ...input, defaultRho: 2 },
      { ...input, fields: [] },
    ];
    for (const b of bad)
      assert.deepEqual(await declareDataset(f.cx, ada, b), { ok: false, reason: "invalid" });
  });
});

test("contributing needs the purpose as shown and rows that fit the fields", async () => {
  const rows = [{ hours: "4.5", sector: "care" }];
  await nothingWritten(async () => {
    const changed = await contribute(f.cx, bea, { datasetId, purpose: "something else", rows });
    assert.deepEqual(changed, { ok: false, reason: "purpose-changed" });
    for (const bad of [
      [{ hours: "4.55", sector: "care" }],
      [{ hours: "4", sector: "mining" }],
      [{ hours: "", sector: "care" }],
      [],
    ])
      assert.deepEqual(await contribute(f.cx, bea, { datasetId, purpose: PURPOSE, rows: bad }), {
        ok: false,
        reason: "invalid",
      });
    const many = Array.from({ length: 11 }, () => rows[0] ?? {});
    assert.deepEqual(await contribute(f.cx, bea, { datasetId, purpose: PURPOSE, rows: many }), {
      ok: false,
      reason: "too-many-rows",
    });
  });
  const done = await contribute(f.cx, bea, { datasetId, purpose: PURPOSE, rows });
  assert.ok(done.ok);
  const csv = rowsFromCsv(
    (await findDataset(f.handle.db, datasetId))?.fieldList ?? [],
    "sector,hours\nfood,12\nrepair,50\nfood,3.5\n",
  );
  assert.ok(csv.ok);
  assert.ok((await contribute(f.cx, cyd, { datasetId, purpose: PURPOSE, rows: csv.value })).ok);
  const log = await consentLog(f.handle.db, cyd.id);
  assert.equal(log.length, 1);
  assert.equal(log[0]?.purpose, PURPOSE);
  assert.equal(log[0]?.rows, 3);
  const dataset = await findDataset(f.handle.db, datasetId);
  assert.ok(dataset);
  const mine = await myRows(f.handle.db, dataset, cyd.id);
  assert.deepEqual(
    mine.map((r) => r.values),
    [
      { hours: "12.0", sector: "food" },
      { hours: "50.0", sector: "repair" },
      { hours: "3.5", sector: "food" },
    ],
  );
});

test("a query charges the ledger, is signed, and an identical one spends nothing", async () => {
  const query = { mechanism: "mean", field: "hours", by: "sector", rho: 0.3 };
  const answer = await queryDataset(f.cx, bea, { datasetId, query });
  assert.ok(answer.ok, JSON.stringify(answer));
  assert.equal(answer.value.reused, false);
  const dataset = await findDataset(f.handle.db, datasetId);
  assert.ok(dataset);
  const ledger = await ledgerNow(f.handle.db, dataset, f.clock.now());
  assert.ok(ledger.spent > 0.29 && ledger.spent <= 0.3, `spent ${ledger.spent}`);
  const release = await findRelease(f.handle.db, answer.value.releaseId);
  assert.ok(release);
  const body = release.parsed;
  assert.deepEqual(
    body.result.estimates.map((e) => e.key),
    ["care", "food", "repair"],
  );
  for (const e of body.result.estimates) {
    assert.ok(e.low <= e.value && e.value <= e.high, JSON.stringify(e));
    assert.ok(e.low >= 0 && e.high <= 40);
  }
  assert.ok(body.result.clippedUnits);
  assert.ok(body.cost.epsilon > body.cost.rho);
  assert.equal(body.signer.keyId, f.cx.signer.keyId);
  // The signature covers the canonical body; a changed digit breaks it.
  assert.equal(canonicalJson(JSON.parse(release.body)), release.body);
  assert.ok(verifyRelease(release.body, release.signature, f.cx.signer.publicKeyJwk));
  const forged = release.body.replace('"period":"', '"period":"1');
  assert.equal(verifyRelease(forged, release.signature, f.cx.signer.publicKeyJwk), false);
  assert.match(releaseCsv(body), /^key,value,low,high,level,interval_of\ncare,/);

  await nothingWritten(async () => {
    const again = await queryDataset(f.cx, cyd, { datasetId, query: { ...query } });
    assert.deepEqual(again, {
      ok: true,
      value: { releaseId: answer.value.releaseId, reused: true },
    });
  });
});

test("a query beyond the budget is refused, and bad queries write nothing", async () => {
  await nothingWritten(async () => {
    const over = await queryDataset(f.cx, bea, {
      datasetId,
      query: { mechanism: "count", rho: 0.8 },
    });
    assert.deepEqual(over, { ok: false, reason: "over-budget" });
    for (const query of [
      { mechanism: "mean", field: "sector" },
      { mechanism: "sum", field: "nope" },
      { mechanism: "histogram", field: "hours" },
      { mechanism: "quantile", field: "hours" },
      { mechanism: "count", by: "hours" },
      { mechanism: "count", rho: -1 },
      { mechanism: "count", extra: 1 },
    ])
      assert.deepEqual(await queryDataset(f.cx, bea, { datasetId, query }), {
        ok: false,
        reason: "invalid",
      });
  });
  const hist = await queryDataset(f.cx, bea, {
    datasetId,
    query: { mechanism: "histogram", field: "sector", rho: 0.2, noise: "laplace" },
  });
  assert.ok(hist.ok);
  const q = await queryDataset(f.cx, bea, {
    datasetId,
    query: { mechanism: "quantile", field: "hours", quantile: 0.5, rho: 0.2 },
  });
  assert.ok(q.ok);
  const median = (await findRelease(f.handle.db, q.value.releaseId))?.parsed.result.estimates[0];
  assert.ok(median && median.value >= 0 && median.value <= 40);
  assert.equal(median.of, "rank-gap");
});

test("withdrawal applies from the next period; the member sees the releases that used their rows", async () => {
  const used = await releasesUsingMyData(f.handle.db, cyd.id);
  assert.equal(used.length, 3);
  const gone = await withdrawContributions(f.cx, cyd, datasetId);
  assert.deepEqual(gone, { ok: true, value: { rows: 3, from: "2026-04" } });
  assert.deepEqual(await withdrawContributions(f.cx, cyd, datasetId), {
    ok: false,
    reason: "nothing-to-withdraw",
  });
  // Still this period: cyd's rows are still in (a count spends 0.1).
  const march = await queryDataset(f.cx, bea, {
    datasetId,
    query: { mechanism: "count", rho: 0.1 },
  });
  assert.ok(march.ok);
  assert.equal((await releasesUsingMyData(f.handle.db, cyd.id)).length, 4);
  f.clock.advance(31 * 24 * 3600_000);
  const april = await queryDataset(f.cx, bea, {
    datasetId,
    query: { mechanism: "count", rho: 0.1 },
  });
  assert.ok(april.ok);
  assert.equal((await releasesUsingMyData(f.handle.db, cyd.id)).length, 4);
  assert.equal((await releasesUsingMyData(f.handle.db, bea.id)).length, 5);
  // The new period has a fresh budget, and the withdrawn rows are deleted.
  const dataset = await findDataset(f.handle.db, datasetId);
  assert.ok(dataset);
  const ledger = await ledgerNow(f.handle.db, dataset, f.clock.now());
  assert.equal(ledger.period, "2026-04");
  assert.ok(ledger.spent > 0.099 && ledger.spent <= 0.1, `spent ${ledger.spent}`);
  assert.equal((await myRows(f.handle.db, dataset, cyd.id)).length, 0);
});

test("export holds rows and consents; erasure removes them", async () => {
  const exported = (await commonsContributor.export(f.handle.db, bea.id)) as {
    rows: { values: Record<string, string> }[];
    consents: unknown[];
  };
  assert.deepEqual(exported.rows[0]?.values, { hours: "4.5", sector: "care" });
  assert.equal(exported.consents.length, 1);
  await f.handle.db.transaction().execute((trx) => commonsContributor.erase(trx, bea.id, ""));
  const after = (await commonsContributor.export(f.handle.db, bea.id)) as typeof exported;
  assert.deepEqual(after, { rows: [], consents: [] });
});

test("a report is settled by a moderator; hiding stops queries", async () => {
  assert.deepEqual(await reportDataset(f.cx, bea, { datasetId, reason: "  " }), {
    ok: false,
    reason: "invalid",
  });
  const r = await reportDataset(f.cx, bea, { datasetId, reason: "asks too much" });
  assert.ok(r.ok);
  assert.equal((await openReports(f.handle.db, datasetId)).length, 1);
  assert.deepEqual(await settleReport(f.cx, bea, { reportId: r.value.id, action: "hide" }), {
    ok: false,
    reason: "forbidden",
  });
  assert.ok((await settleReport(f.cx, ada, { reportId: r.value.id, action: "hide" })).ok);
  assert.deepEqual(
    await queryDataset(f.cx, bea, { datasetId, query: { mechanism: "count", rho: 0.1 } }),
    { ok: false, reason: "not-found" },
  );
});

test("contribution bounding keeps each unit's first rows, in the order they were given", async () => {
  const id = await f.dataset(ada, {
    title: "Bounding",
    budgetRho: 100,
    defaultRho: 50,
    maxRowsPerUnit: 1,
  });
  const rows = [
    { hours: "0", sector: "care" },
    { hours: "40", sector: "care" },
    { hours: "40", sector: "care" },
  ];
  assert.ok((await contribute(f.cx, ada, { datasetId: id, purpose: PURPOSE, rows })).ok);
  const answer = await queryDataset(f.cx, ada, {
    datasetId: id,
    query: { mechanism: "sum", field: "hours", rho: 50 },
  });
  assert.ok(answer.ok);
  const body = (await findRelease(f.handle.db, answer.value.releaseId))?.parsed;
  assert.ok(body);
  // σ ≈ 4.2 hours: the kept row is the first (0), never one of the 40s.
  const sum = body.result.estimates[0]?.value ?? Number.NaN;
  assert.ok(Math.abs(sum) < 25, `sum ${sum}`);
  // ada's unit had rows beyond the limit: the clipped-units count is near 1.
  const clipped = body.result.clippedUnits;
  assert.ok(clipped && clipped.low <= 1 && clipped.high >= 1, JSON.stringify(clipped));
});
