/**
 * The SQLite adapter's wait for the write lock: another connection (here on another
 * thread, as the inbox helper's is) holds it for a while, and a write from this
 * connection goes through once it is free instead of failing "database is locked".
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Worker } from "node:worker_threads";
import { openSqlite } from "./sqlite.ts";

test("a write waits for another connection's write lock, then succeeds", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "synco-sqlite-")), "busy.db");
  const { database, raw } = openSqlite(path);
  raw.exec("create table t (x integer)");
  const holder = new Worker(
    `const { DatabaseSync } = require("node:sqlite");
     const { parentPort, workerData } = require("node:worker_threads");
     const db = new DatabaseSync(workerData);
     db.exec("begin immediate; insert into t values (1)");
     parentPort.postMessage("locked");
     setTimeout(() => { db.exec("commit"); db.close(); }, 200);`,
    { eval: true, workerData: path },
  );
  await new Promise((resolve) => holder.once("message", resolve));
  database.prepare("insert into t values (?)").run([2]);
  await new Promise((resolve) => holder.once("exit", resolve));
  const rows = database.prepare("select x from t order by x").all([]);
  assert.deepEqual(rows, [{ x: 1 }, { x: 2 }]);
  database.close();
});

test("rows are plain objects, a repeated column's last value wins, odd names are kept", () => {
  const { database } = openSqlite(":memory:");
  const rows = database
    .prepare(`select 1 as a, 'x' as "b c", 2 as a, 3 as "__proto__", null as "it's"`)
    .all([]) as Record<string, unknown>[];
  const [row] = rows;
  assert.ok(row);
  assert.equal(Object.getPrototypeOf(row), Object.prototype);
  assert.equal(row.a, 2);
  assert.equal(row["b c"], "x");
  assert.equal(Object.getOwnPropertyDescriptor(row, "__proto__")?.value, 3);
  assert.equal(row["it's"], null);
  const plain = database.prepare("select 1 as x, 'y' as y").all([]);
  assert.deepEqual(plain, [{ x: 1, y: "y" }]);
  assert.deepEqual([...database.prepare("select 5 as n").iterate([])], [{ n: 5 }]);
  database.close();
});
