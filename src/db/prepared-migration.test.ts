/**
 * A query compiled once (prepared.ts), and on PostgreSQL kept as a named prepared
 * statement on its connections, never answers with the shape a table had before a
 * migration: migrated through the same handle, or (PostgreSQL) by another process
 * while this one keeps running. Migration 0048 adds four columns to remote_actors,
 * which `select *` must show at once.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { emptyDatabaseUrl, onPostgres } from "../../test/support/db.ts";
import { openDatabase } from "./database.ts";
import { migrateToLatest, migrateUpTo } from "./migrate.ts";
import { prepared } from "./prepared.ts";

const BEFORE = "0047_opsroom_computed";
const ADDED = ["posts_count", "followers_count", "following_count", "counts_fetched_at"];

const actorsByUri = prepared((db, a: { uris: readonly string[] }) =>
  db.selectFrom("remote_actors").selectAll().where("uri", "in", a.uris),
);

const actor = (n: number) => ({
  id: `actor-${n}`,
  uri: `https://far.example/users/u${n}`,
  handle: `u${n}@far.example`,
  type: "Person",
  username: `u${n}`,
  host: "far.example",
  inbox_url: `https://far.example/users/u${n}/inbox`,
  fetched_at: "2026-12-01T00:00:00.000Z",
  created_at: "2026-12-01T00:00:00.000Z",
});

/** A database migrated up to just before 0048, with two remote actors. */
async function olderDatabase() {
  const url = await emptyDatabaseUrl();
  const handle = await openDatabase(url, { poolSize: 2 });
  await migrateUpTo(handle.db, BEFORE);
  // biome-ignore lint/suspicious/noExplicitAny: the columns of the schema before 0048
  await (handle.db as any)
    .insertInto("remote_actors")
    .values([actor(1), actor(2)])
    .execute();
  return { url, handle };
}

const uris = [actor(1).uri, actor(2).uri];

/** The first row, which must be there. */
function first<T>(rows: readonly T[]): T {
  const row = rows[0];
  assert.ok(row, "a row");
  return row;
}

test("migrated through the same handle: the prepared query reads the new columns", async () => {
  const { handle } = await olderDatabase();
  try {
    // Run often enough that PostgreSQL keeps it as a named statement on its connection.
    for (let i = 0; i < 4; i++) {
      const rows = await actorsByUri(handle.db, { uris });
      assert.equal(rows.length, 2);
      for (const column of ADDED) assert.ok(!(column in first(rows)), `${column} not there yet`);
    }
    await migrateToLatest(handle.db);
    const rows = await actorsByUri(handle.db, { uris });
    assert.equal(rows.length, 2);
    for (const column of ADDED)
      assert.equal(first(rows)[column as keyof (typeof rows)[number]], null);
  } finally {
    await handle.close();
  }
});

test("migrated by another process: reads outside a transaction answer with the new columns at once", async (t) => {
  if (!onPostgres) return t.skip("an SQLite node is one process");
  const { url, handle } = await olderDatabase();
  const other = await openDatabase(url, { poolSize: 1 });
  try {
    for (let i = 0; i < 4; i++) await actorsByUri(handle.db, { uris });
    await migrateToLatest(other.db);
    // Several at once: each statement out on the shared connection meets the change.
    const pages = await Promise.all([1, 2, 3].map(() => actorsByUri(handle.db, { uris })));
    for (const rows of pages) {
      assert.equal(rows.length, 2);
      for (const column of ADDED) assert.ok(column in first(rows), `${column} read`);
    }
  } finally {
    await other.close();
    await handle.close();
  }
});

test("migrated by another process: a transaction fails at most once per connection, then reads the new shape", async (t) => {
  if (!onPostgres) return t.skip("an SQLite node is one process");
  const { url, handle } = await olderDatabase();
  const other = await openDatabase(url, { poolSize: 1 });
  const inTransaction = () => handle.db.transaction().execute((trx) => actorsByUri(trx, { uris }));
  try {
    for (let i = 0; i < 4; i++) await inTransaction();
    await migrateToLatest(other.db);
    let failures = 0;
    let rows: Awaited<ReturnType<typeof inTransaction>> | undefined;
    // The handle has one connection in use for transactions here (LIFO pool, one at a time).
    for (let attempt = 0; attempt < 3 && !rows; attempt++) {
      try {
        rows = await inTransaction();
      } catch (error) {
        failures++;
        assert.match(String(error), /cached plan must not change result type/);
      }
    }
    assert.ok(failures <= 1, `${failures} failed transactions`);
    assert.ok(rows);
    for (const column of ADDED) assert.ok(column in first(rows), `${column} read`);
  } finally {
    await other.close();
    await handle.close();
  }
});
