/**
 * Two queries at once, on two database connections, cannot together spend more
 * than a period's budget: each takes the ledger row's lock (FOR UPDATE on
 * PostgreSQL; on SQLite the second connection's BEGIN IMMEDIATE waits for the
 * first to commit). Budget 1, two different queries of ρ 0.6 each: exactly one
 * is answered in every round, from two processes (both databases) or two
 * connections of one process (PostgreSQL).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { ORIGIN, PURPOSE, testSigner } from "../../test/support/commons.ts";
import { freshDatabaseUrl, onPostgres } from "../../test/support/db.ts";
import { createAccount } from "../accounts/accounts.ts";
import { type Db, openDatabase } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { assembly } from "../groups/groups.ts";
import { fixedClock } from "../kernel/clock.ts";
import type { CommonsContext } from "./context.ts";
import { contribute } from "./contributions.ts";
import { declareDataset, findDataset } from "./datasets.ts";
import { ledgerNow, queryDataset } from "./queries.ts";

/** Runs one query in a child process, which opens its own connection. */
function inChild(args: string[]): Promise<{ ok: boolean; reason?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["test/support/commons-query-child.ts", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exited ${code}`)),
    );
  });
}

let url: string;
let one: Db;
let two: Db;
const clock = fixedClock(new Date("2026-01-15T12:00:00.000Z"));
const signer = testSigner();
before(async () => {
  url = await freshDatabaseUrl();
  one = await openDatabase(url, { poolSize: 2 });
  await migrateToLatest(one.db);
  two = await openDatabase(url, { poolSize: 2 });
});
after(async () => {
  await one.close();
  await two.close();
});

test("two simultaneous queries on two connections cannot overspend", async () => {
  const cx1: CommonsContext = { db: one.db, origin: ORIGIN, clock, signer };
  const cx2: CommonsContext = { db: two.db, origin: ORIGIN, clock, signer };
  const made = await createAccount(
    one.db,
    { username: "ada", email: "ada@example.test", password: "long enough", role: "admin" },
    { passwordCost: 8 },
  );
  assert.ok(made.ok);
  const ada = made.value;
  const declared = await declareDataset(cx1, ada, {
    groupId: (await assembly(one.db)).id,
    title: "Hours",
    purpose: PURPOSE,
    unit: "member",
    period: "month",
    budgetRho: 1,
    defaultRho: 0.1,
    fields: [{ type: "number", name: "hours", decimals: 0, lower: "0", upper: "40" }],
  });
  assert.ok(declared.ok);
  const datasetId = declared.value.id;
  const rows = Array.from({ length: 10 }, (_, i) => ({ hours: String(i * 4) }));
  assert.ok((await contribute(cx1, ada, { datasetId, purpose: PURPOSE, rows })).ok);
  const dataset = await findDataset(one.db, datasetId);
  assert.ok(dataset);
  const count = { mechanism: "count", rho: 0.6 };
  const mean = { mechanism: "mean", field: "hours", rho: 0.6 };
  // SQLite's calls block their thread, so two connections race only from two
  // processes (the node's web and worker processes share a file the same way);
  // PostgreSQL races in this process as well.
  const rounds = onPostgres ? 6 : 3;
  for (let round = 0; round < rounds; round++) {
    const inProcess = onPostgres && round % 2 === 0;
    // The period's ledger row exists before the race (else the first insert alone
    // would make the second transaction wait), so only the row lock stands between them.
    await one.db
      .insertInto("commons_ledger")
      .values({
        dataset_id: datasetId,
        period: (await ledgerNow(one.db, dataset, clock.now())).period,
        budget_rho: 1,
        spent_rho: 0,
        releases: 0,
        updated_at: clock.now().toISOString(),
      })
      .execute();
    const start = String(Date.now() + 2500);
    const child = (q: object) =>
      inChild([
        url,
        datasetId,
        ada.id,
        ada.username,
        JSON.stringify(q),
        clock.now().toISOString(),
        start,
      ]);
    const [a, b] = inProcess
      ? await Promise.all([
          queryDataset(cx1, ada, { datasetId, query: count }),
          queryDataset(cx2, ada, { datasetId, query: mean }),
        ])
      : await Promise.all([child(count), child(mean)]);
    const answered = [a, b].filter((r) => r.ok).length;
    assert.equal(answered, 1, `round ${round}: ${JSON.stringify([a, b])}`);
    assert.ok([a, b].some((r) => !r.ok && r.reason === "over-budget"));
    const ledger = await ledgerNow(one.db, dataset, clock.now());
    assert.ok(ledger.spent <= 0.6 && ledger.spent > 0.59, `spent ${ledger.spent}`);
    const releases = await one.db
      .selectFrom("commons_releases")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("period", "=", ledger.period)
      .executeTakeFirstOrThrow();
    assert.equal(Number(releases.n), 1);
    clock.advance(31 * 24 * 3600_000);
  }
});
