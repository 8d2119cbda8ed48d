/**
 * The sweep of withdrawn rows (queries.ts, sweepWithdrawnRows), on SQLite or
 * PostgreSQL (TEST_DATABASE_URL): rows withdrawn this period stay until their
 * exclusion period begins, then go without any question being asked; other
 * members' rows and other datasets are untouched.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type CommonsFixture, commonsFixture, PURPOSE } from "../../test/support/commons.ts";
import type { LocalMember } from "../groups/context.ts";
import { contribute, withdrawContributions } from "./contributions.ts";
import { sweepWithdrawnRows } from "./queries.ts";

let f: CommonsFixture;
let ada: LocalMember;
let bea: LocalMember;
const datasets: string[] = [];
before(async () => {
  f = await commonsFixture();
  ada = await f.member("ada", "admin");
  bea = await f.member("bea");
  datasets.push(await f.dataset(ada), await f.dataset(ada, { title: "Yearly", period: "year" }));
  for (const datasetId of datasets)
    for (const member of [ada, bea]) {
      const given = await contribute(f.cx, member, {
        datasetId,
        purpose: PURPOSE,
        rows: [
          { hours: "3", sector: "care" },
          { hours: "5.5", sector: "food" },
        ],
      });
      assert.ok(given.ok, JSON.stringify(given));
    }
});
after(() => f.handle.close());

async function rowsOf(datasetId: string, accountId: string): Promise<number> {
  const row = await f.handle.db
    .selectFrom("commons_rows")
    .select(f.handle.db.fn.countAll<number>().as("n"))
    .where("dataset_id", "=", datasetId)
    .where("account_id", "=", accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

test("the sweep deletes withdrawn rows once their exclusion period begins, and nothing else", async () => {
  const [monthly = "", yearly = ""] = datasets;
  assert.equal(await sweepWithdrawnRows(f.handle.db, f.clock.now()), 0);
  for (const datasetId of datasets) {
    const gone = await withdrawContributions(f.cx, bea, datasetId);
    assert.ok(gone.ok, JSON.stringify(gone));
  }
  // Still this period: every release of it is computed over the same rows.
  assert.equal(await sweepWithdrawnRows(f.handle.db, f.clock.now()), 0);
  assert.equal(await rowsOf(monthly, bea.id), 2);
  // Next month: the monthly dataset's exclusion has begun, the yearly one's not yet.
  f.clock.advance(31 * 24 * 3600_000);
  assert.equal(await sweepWithdrawnRows(f.handle.db, f.clock.now()), 2);
  assert.equal(await rowsOf(monthly, bea.id), 0);
  assert.equal(await rowsOf(yearly, bea.id), 2);
  assert.equal(await rowsOf(monthly, ada.id), 2);
  // A year on, the yearly dataset's go too; a second sweep finds nothing left.
  f.clock.advance(366 * 24 * 3600_000);
  assert.equal(await sweepWithdrawnRows(f.handle.db, f.clock.now()), 2);
  assert.equal(await rowsOf(yearly, bea.id), 0);
  assert.equal(await rowsOf(yearly, ada.id), 2);
  assert.equal(await sweepWithdrawnRows(f.handle.db, f.clock.now()), 0);
});
