/**
 * Queries compiled once per shape (prepared.ts) answer as the same query built each
 * time: lists of every length around the rounding step, literals kept, values
 * never mixed up between runs; and writes report the tables they touched, so
 * caches of a few tables keep through writes elsewhere. On SQLite and PostgreSQL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testDatabase } from "../../test/support/db.ts";
import { FreshCache, WriteClock } from "../api/cache.ts";
import type { Db } from "./database.ts";
import { prepared } from "./prepared.ts";

let handle: Db;
before(async () => {
  handle = await testDatabase();
  const rows = Array.from({ length: 50 }, (_, i) => ({
    key: `k${String(i).padStart(2, "0")}`,
    value: i % 3 === 0 ? "fizz" : `v${i}`,
  }));
  await handle.db.insertInto("settings").values(rows).execute();
});
after(() => handle.close());

const byKeys = prepared((db, a: { keys: readonly string[]; not: string }) =>
  db
    .selectFrom("settings")
    .select(["key", "value"])
    .where("key", "in", a.keys)
    .where("value", "!=", a.not)
    .where("key", "not in", ["k01", "k02"])
    .orderBy("key"),
);

test("a prepared query answers as the query built each time, whatever the list's length", async () => {
  for (const n of [1, 2, 7, 8, 9, 16, 17, 40, 46]) {
    const keys = Array.from({ length: n }, (_, i) => `k${String((i * 7) % 50).padStart(2, "0")}`);
    for (const not of ["fizz", "v4"]) {
      const got = await byKeys(handle.db, { keys, not });
      const want = await handle.db
        .selectFrom("settings")
        .select(["key", "value"])
        .where("key", "in", keys)
        .where("value", "!=", not)
        .where("key", "not in", ["k01", "k02"])
        .orderBy("key")
        .execute();
      assert.deepEqual(got, want, `${n} keys, not ${not}`);
      assert.ok(got.every((r) => keys.includes(r.key) && r.value !== not));
    }
  }
  // An empty list has no SQL form: the caller's to avoid, refused loudly.
  await assert.rejects(byKeys(handle.db, { keys: [], not: "x" }), /the list keys is empty/);
});

test("writes name their tables; a cache of some tables keeps through writes to others", async () => {
  const clock = new WriteClock();
  const heard: (string[] | null)[] = [];
  const stop = handle.onWriteCommitted((tables) => {
    clock.heard(tables);
    heard.push(tables ? [...tables].sort() : null);
  });
  try {
    const cache = new FreshCache<string, string>(clock, { tables: ["settings"], trustMs: 60_000 });
    const all = new FreshCache<string, string>(clock, { trustMs: 60_000 });
    cache.set("x", "kept");
    all.set("x", "kept");
    await handle.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("actor_limits")
        .values({ actor_uri: "https://x.example/a", level: "silence", created_at: "2026-01-01" })
        .execute();
      await trx
        .updateTable("actor_limits")
        .set({ level: "suspend" })
        .where("actor_uri", "=", "https://x.example/a")
        .execute();
    });
    assert.deepEqual(heard.at(-1), ["actor_limits"]);
    assert.equal(cache.get("x"), "kept", "a write elsewhere leaves it");
    assert.equal(all.get("x"), undefined, "a cache of every table is dropped");
    await handle.db.deleteFrom("settings").where("key", "=", "k49").execute();
    assert.deepEqual(heard.at(-1), ["settings"]);
    assert.equal(cache.get("x"), undefined, "a write to its table drops it");
    cache.set("y", "kept");
    await handle.db.executeQuery({
      sql: "delete from actor_limits where actor_uri = 'nothing'",
      parameters: [],
      query: { kind: "RawNode" } as never,
      queryId: { queryId: "raw" },
    });
    assert.deepEqual(heard.at(-1), ["actor_limits"], "raw SQL's table is read from its text");
    assert.equal(cache.get("y"), "kept");
  } finally {
    stop();
  }
});
