import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { testDatabase } from "../../test/support/db.ts";
import type { Db } from "./database.ts";
import { migrateToLatest } from "./migrate.ts";

let handle: Db;
before(async () => {
  handle = await testDatabase();
});
after(() => handle.close());

test("migrations are recorded and running them again changes nothing", async () => {
  assert.deepEqual(await migrateToLatest(handle.db), []);
});

test("values round-trip identically on both dialects", async () => {
  const { db } = handle;
  await db.insertInto("settings").values({ key: "k", value: "v" }).execute();
  const row = await db
    .selectFrom("settings")
    .selectAll()
    .where("key", "=", "k")
    .executeTakeFirstOrThrow();
  assert.deepEqual(row, { key: "k", value: "v" });
  const count = await db
    .selectFrom("settings")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  assert.equal(count.n, 1);
});

test("a failed transaction leaves nothing behind", async () => {
  const { db } = handle;
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await trx.insertInto("settings").values({ key: "t1", value: "x" }).execute();
      await trx.insertInto("settings").values({ key: "t1", value: "duplicate" }).execute();
    }),
  );
  const rows = await db.selectFrom("settings").selectAll().where("key", "=", "t1").execute();
  assert.deepEqual(rows, []);
});

test("the case-insensitive unique username index holds", async () => {
  const { db } = handle;
  const now = new Date().toISOString();
  const account = (id: string, username: string) => ({
    id,
    username,
    email: `${id}@example.org`,
    password_hash: "x",
    role: "member" as const,
    created_at: now,
    updated_at: now,
  });
  await db.insertInto("accounts").values(account("a1", "Alice")).execute();
  await assert.rejects(db.insertInto("accounts").values(account("a2", "alice")).execute());
  const { rows } = await sql<{ n: number }>`select count(*) as n from accounts`.execute(db);
  assert.equal(Number(rows[0]?.n), 1);
});
