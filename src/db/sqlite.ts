/**
 * Kysely's SqliteDialect expects better-sqlite3's statement API; node:sqlite's
 * is close. This adapter marks statements that return rows as readers and
 * spreads parameters, turning booleans into 0/1 (node:sqlite rejects booleans).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import type { SqliteDatabase, SqliteStatement } from "kysely";

function bind(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((p) => {
    if (typeof p === "boolean") return p ? 1 : 0;
    if (p instanceof Date) return p.toISOString();
    return p as SQLInputValue;
  });
}

const STATEMENT_CACHE_SIZE = 500;

export function openSqlite(path: string): { database: SqliteDatabase; raw: DatabaseSync } {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const raw = new DatabaseSync(path);
  raw.exec("PRAGMA journal_mode = WAL");
  raw.exec("PRAGMA synchronous = NORMAL");
  raw.exec("PRAGMA foreign_keys = ON");
  raw.exec("PRAGMA busy_timeout = 5000");
  // Prepared statements are reused by their SQL text: Kysely compiles the same few
  // hundred shapes over and over, and preparing one costs more than running it.
  const cache = new Map<string, SqliteStatement>();
  const prepare = (sql: string): SqliteStatement => {
    // Kysely opens transactions with a plain BEGIN, which takes the write lock only at
    // the first write and then fails with SQLITE_BUSY if another process wrote first.
    // BEGIN IMMEDIATE waits for the lock up front (busy_timeout), so it never fails so.
    const statement = raw.prepare(sql === "begin" ? "begin immediate" : sql);
    return {
      reader: statement.columns().length > 0,
      // Rows come back with a null prototype; plain objects keep both dialects alike.
      all: (parameters) => statement.all(...bind(parameters)).map((row) => ({ ...row })),
      run: (parameters) => statement.run(...bind(parameters)),
      iterate: (parameters) => statement.iterate(...bind(parameters)),
    };
  };
  const database: SqliteDatabase = {
    close: () => {
      cache.clear();
      raw.close();
    },
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (!statement) {
        statement = prepare(sql);
        // Queries with long IN (…) lists make one-off shapes; keep the cache bounded.
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
  return { database, raw };
}
