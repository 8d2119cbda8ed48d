/**
 * Kysely's SqliteDialect expects better-sqlite3's statement API; node:sqlite's
 * is close. This adapter marks statements that return rows as readers and
 * spreads parameters, turning booleans into 0/1 (node:sqlite rejects booleans).
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import type { SqliteDatabase, SqliteStatement } from "kysely";
import { plainText } from "../kernel/plain-text.ts";

function bind(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((p) => {
    if (typeof p === "boolean") return p ? 1 : 0;
    if (p instanceof Date) return p.toISOString();
    return p as SQLInputValue;
  });
}

const STATEMENT_CACHE_SIZE = 500;
const SQLITE_BUSY = 5;
/** How long a statement waits for another connection's write lock before it fails. */
const BUSY_BUDGET_MS = 5_000;
const nap = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs a statement, retrying while another connection holds the write lock (the
 * inbox helper thread, or a worker process beside the web one). SQLite's own busy
 * handler sleeps 1, 2, 5, 10… ms between tries, and a node:sqlite call blocks its
 * thread while it sleeps, though a write holds the lock for some 50 µs: waiting in
 * steps from 50 µs instead keeps two busy writers from costing each other milliseconds.
 */
function whenFree<T>(run: () => T): T {
  const deadline = performance.now() + BUSY_BUDGET_MS;
  for (let wait = 0.05; ; wait = Math.min(wait * 2, 5)) {
    try {
      return run();
    } catch (error) {
      if ((error as { errcode?: number }).errcode !== SQLITE_BUSY || performance.now() > deadline)
        throw error;
    }
    Atomics.wait(nap, 0, 0, wait);
  }
}

/**
 * The database holds members' private keys, password hashes and direct messages:
 * only the node's own user may read it. SQLite creates its files 0644 (less the
 * umask) and gives the -wal and -shm files the database file's mode, so the file
 * is made (or tightened) to 0600 before SQLite opens it, as `secret` is.
 */
export function restrictToOwner(path: string): void {
  closeSync(openSync(path, "a", 0o600));
  chmodSync(path, 0o600);
  for (const extra of [`${path}-wal`, `${path}-shm`, `${path}-journal`])
    if (existsSync(extra)) chmodSync(extra, 0o600);
}

/**
 * Plain objects from rows read as arrays, one shape per statement. node:sqlite's own
 * rows have a null prototype, and copying each into a plain object (so both
 * dialects return alike) cost more than the query: 40 posts, 95 µs to read, 120 µs
 * more to copy. Built once per prepared statement; the names are the statement's
 * own columns (duplicates: the last wins, as in an object read by name).
 */
function rowMaker(columns: string[]): (values: unknown[]) => Record<string, unknown> {
  if (columns.includes("__proto__"))
    return (values) => Object.fromEntries(columns.map((c, i) => [c, values[i]]));
  const fields = columns.map((c, i) => `${JSON.stringify(c)}: v[${i}]`).join(", ");
  return new Function("v", `return { ${fields} };`) as (v: unknown[]) => Record<string, unknown>;
}

export function openSqlite(path: string): { database: SqliteDatabase; raw: DatabaseSync } {
  if (path !== ":memory:") {
    mkdirSync(dirname(path), { recursive: true });
    restrictToOwner(path);
  }
  const raw = new DatabaseSync(path);
  // No busy timeout: whenFree() waits for the write lock (in finer steps than SQLite does).
  raw.exec("PRAGMA busy_timeout = 0");
  whenFree(() => raw.exec("PRAGMA journal_mode = WAL"));
  raw.exec("PRAGMA synchronous = NORMAL");
  // 8 MB of pages (SQLite keeps 2 MB by default): a page of a timeline reads some
  // hundreds of pages of posts; more would only grow the process (RSS target, issue 24).
  raw.exec("PRAGMA cache_size = -8192");
  raw.exec("PRAGMA foreign_keys = ON");
  // The search triggers (migration 0021) index a post's text, not its HTML: SQLite
  // has no function for that, so every connection brings this one.
  raw.function("synco_plain_text", { deterministic: true }, (html) =>
    plainText(typeof html === "string" ? html : ""),
  );
  // Prepared statements are reused by their SQL text: Kysely compiles the same few
  // hundred shapes over and over, and preparing one costs more than running it.
  const cache = new Map<string, SqliteStatement>();
  const prepare = (sql: string): SqliteStatement => {
    // Kysely opens transactions with a plain BEGIN, which takes the write lock only at
    // the first write and then fails with SQLITE_BUSY if another process wrote first.
    // BEGIN IMMEDIATE waits for the lock up front (whenFree), so it never fails so.
    const statement = raw.prepare(sql === "begin" ? "begin immediate" : sql);
    const columns = statement.columns().map((c) => c.name);
    if (columns.length === 0)
      return {
        reader: false,
        all: (parameters) => whenFree(() => statement.all(...bind(parameters))),
        run: (parameters) => whenFree(() => statement.run(...bind(parameters))),
        iterate: (parameters) => whenFree(() => statement.iterate(...bind(parameters))),
      };
    const row = rowMaker(columns);
    statement.setReturnArrays(true);
    const arrays = (parameters: readonly unknown[]) =>
      whenFree(() => statement.all(...bind(parameters))) as unknown as unknown[][];
    return {
      reader: true,
      all: (parameters) => arrays(parameters).map(row),
      run: (parameters) => whenFree(() => statement.run(...bind(parameters))),
      iterate: (parameters) => {
        const rows = whenFree(() => statement.iterate(...bind(parameters)));
        return (function* () {
          for (const r of rows) yield row(r as unknown as unknown[]);
        })();
      },
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
