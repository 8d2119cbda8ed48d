/**
 * The PostgreSQL driver (src/db/postgres.ts): statements outside transactions are
 * pipelined on shared connections, transactions hold a pooled connection of their
 * own, texts run twice become named statements (bounded per connection), and a
 * lost connection is replaced. PostgreSQL only: SQLite has its own adapter.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Kysely, sql } from "kysely";
import { type Db, openDatabase } from "../src/db/database.ts";
import { postgresDialect } from "../src/db/postgres.ts";
import type { Schema } from "../src/db/schema.ts";
import { onPostgres, testDatabase } from "./support/db.ts";

let handle: Db;
before(async () => {
  if (onPostgres) handle = await testDatabase();
});
after(() => handle?.close());

const skip = "PostgreSQL only (TEST_DATABASE_URL)";

test("statements sent at once each get their own answer, and one that fails fails alone", async (t) => {
  if (!onPostgres) return t.skip(skip);
  const n = 300;
  const answers = await Promise.allSettled(
    Array.from({ length: n }, (_, i) =>
      // Every seventh divides by zero; the same text for all, so most run named.
      sql<{ i: number; q: number }>`select ${i}::int as i, 700 / ${i % 7}::int as q`.execute(
        handle.db,
      ),
    ),
  );
  answers.forEach((answer, i) => {
    if (i % 7 === 0) {
      assert.equal(answer.status, "rejected", `${i} divides by zero`);
      assert.match(String((answer as PromiseRejectedResult).reason), /division by zero/);
    } else {
      assert.equal(answer.status, "fulfilled", `${i}`);
      const row = (answer as PromiseFulfilledResult<{ rows: { i: number; q: number }[] }>).value
        .rows[0];
      assert.deepEqual(row, { i, q: Math.trunc(700 / (i % 7)) });
    }
  });
});

test("a transaction's writes are its own until it commits; a rollback leaves nothing", async (t) => {
  if (!onPostgres) return t.skip(skip);
  const read = (key: string) =>
    handle.db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
  await handle.db.transaction().execute(async (trx) => {
    await trx.insertInto("settings").values({ key: "tx.a", value: "1" }).execute();
    assert.equal(
      (
        await trx
          .selectFrom("settings")
          .select("value")
          .where("key", "=", "tx.a")
          .executeTakeFirst()
      )?.value,
      "1",
      "seen inside",
    );
    assert.equal(await read("tx.a"), undefined, "not seen outside before commit");
  });
  assert.equal((await read("tx.a"))?.value, "1", "seen after commit");

  await assert.rejects(
    handle.db.transaction().execute(async (trx) => {
      await trx.insertInto("settings").values({ key: "tx.b", value: "2" }).execute();
      throw new Error("changed my mind");
    }),
    /changed my mind/,
  );
  assert.equal(await read("tx.b"), undefined, "rolled back");

  // A statement error aborts the transaction; the connection serves the next one.
  await assert.rejects(
    handle.db.transaction().execute(async (trx) => {
      await trx.insertInto("settings").values({ key: "tx.a", value: "dup" }).execute();
    }),
    /duplicate key/,
  );
  await handle.db.transaction().execute(async (trx) => {
    await trx.updateTable("settings").set({ value: "3" }).where("key", "=", "tx.a").execute();
  });
  assert.equal((await read("tx.a"))?.value, "3");
});

test("named statements stay within their bound on a connection", async (t) => {
  if (!onPostgres) return t.skip(skip);
  const { dialect } = postgresDialect(
    { connectionString: handle.url },
    { max: 1, shared: 1, statementsPerConnection: 4 },
  );
  const db = new Kysely<Schema>({ dialect });
  try {
    // Twenty texts, each run three times in a row (named from its second run).
    for (let k = 0; k < 20; k++)
      for (let run = 0; run < 3; run++) {
        const { rows } = await sql<{ v: number }>`select ${k}::int + ${sql.lit(k)} as v`.execute(
          db,
        );
        assert.deepEqual(rows, [{ v: 2 * k }]);
      }
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_prepared_statements where not from_sql`.execute(db);
    assert.ok(rows[0] && rows[0].n <= 4, `${rows[0]?.n} named statements kept`);
    assert.ok(rows[0] && rows[0].n > 0, "some are named");
  } finally {
    await db.destroy();
  }
});

test("a connection the server closed is replaced: the next statements succeed", async (t) => {
  if (!onPostgres) return t.skip(skip);
  const pidOf = async () =>
    (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db)).rows[0]?.pid;
  const first = await pidOf();
  const inTransaction = await handle.db
    .transaction()
    .execute(
      async (trx) =>
        (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]?.pid,
    );
  // Ended from the server's side, as a restart or an administrator would (from
  // another handle: on this one the statement would go down the connection it ends).
  const admin = await openDatabase(handle.url, { poolSize: 1 });
  try {
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where pid in (${first}, ${inTransaction})`.execute(
      admin.db,
    );
  } finally {
    await admin.close();
  }
  let pid: number | undefined;
  // The closed socket is noticed on its own event; a statement sent before that fails.
  for (let attempt = 0; attempt < 20 && pid === undefined; attempt++)
    pid = await pidOf().catch(() => undefined);
  assert.ok(pid !== undefined && pid !== first, "a new shared connection answers");
  let again: number | undefined;
  for (let attempt = 0; attempt < 20 && again === undefined; attempt++)
    again = await handle.db
      .transaction()
      .execute(
        async (trx) =>
          (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]?.pid,
      )
      .catch(() => undefined);
  assert.ok(again !== undefined && again !== inTransaction, "a new pooled connection answers");
});

test("the pool's state is reported", async (t) => {
  if (!onPostgres) return t.skip(skip);
  const stats = handle.poolStats?.();
  assert.ok(stats);
  assert.ok(stats.total >= 1 && stats.idle >= 0 && stats.waiting === 0);
});

test("idle connections let a script end; closing waits for every connection to end", async (t) => {
  if (!onPostgres) return t.skip(skip);
  const { execFile } = await import("node:child_process");
  // A child process (its own driver) on this test's database: one runs a statement and
  // a transaction and never closes (it must exit by itself: idle sockets hold nothing);
  // the other closes and prints after close() resolved (close must not be cut short).
  const script = (close: boolean) => `
    import { openDatabase } from ${JSON.stringify(new URL("../src/db/database.ts", import.meta.url).href)};
    import { sql } from "kysely";
    const h = await openDatabase(${JSON.stringify(handle.url)});
    await sql\`select 1\`.execute(h.db);
    await h.db.transaction().execute((trx) => sql\`select 2\`.execute(trx));
    ${close ? 'await h.close(); console.log("closed");' : 'console.log("idle");'}
  `;
  const run = (close: boolean) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ["--input-type=module", "-e", script(close)],
        { timeout: 60_000 },
        (error, out, err) => resolve({ code: error ? (error.code as number) : 0, out, err }),
      );
      child.stdin?.end();
    });
  const [idle, closed] = await Promise.all([run(false), run(true)]);
  assert.equal(idle.code, 0, idle.err);
  assert.equal(idle.out.trim(), "idle");
  assert.equal(closed.code, 0, closed.err);
  assert.equal(closed.out.trim(), "closed", "close() resolved before the process ended");
});
