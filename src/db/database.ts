/**
 * One database handle for the whole node, on SQLite (embedded default) or
 * PostgreSQL. Column types are kept portable: ids, timestamps (ISO-8601 UTC) and
 * JSON are text; booleans are 0/1 integers; so both dialects return the same values.
 */
import { Kysely, SqliteDialect } from "kysely";
import { type OutboxListener, OutboxSignal, signallingDialect } from "./outbox-signal.ts";
import type { Schema } from "./schema.ts";
import { openSqlite, restrictToOwner } from "./sqlite.ts";

export type Dialect = "sqlite" | "postgres";

export interface Db {
  db: Kysely<Schema>;
  dialect: Dialect;
  url: string;
  /**
   * Calls `listener` each time an outbox event written through this handle becomes
   * visible: after its transaction commits, or after the insert outside one. The
   * relay's worker listens, so writers never wake it by hand. Returns the unsubscribe.
   */
  onOutboxWritten(listener: OutboxListener): () => void;
  /**
   * Calls `listener` after each committed write (INSERT, UPDATE, DELETE) through this
   * handle: caches of rendered pages re-check what they hold. Returns the unsubscribe.
   */
  onWriteCommitted(listener: OutboxListener): () => void;
  /** Online, consistent copy of the database to a file (SQLite only). */
  backupTo(file: string): Promise<void>;
  /** The connection pool's state (PostgreSQL only; SQLite has one connection). */
  poolStats?(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export async function openDatabase(url: string, options: { poolSize?: number } = {}): Promise<Db> {
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length);
    const { database, raw } = openSqlite(path);
    const signals = { outbox: new OutboxSignal(), any: new OutboxSignal() };
    const db = new Kysely<Schema>({
      dialect: signallingDialect(new SqliteDialect({ database }), signals),
    });
    return {
      db,
      dialect: "sqlite",
      url,
      onOutboxWritten: (listener) => signals.outbox.subscribe(listener),
      onWriteCommitted: (listener) => signals.any.subscribe(listener),
      async backupTo(file) {
        const { backup } = await import("node:sqlite");
        // A copy holds the same private keys: created 0600 before SQLite writes to it.
        restrictToOwner(file);
        await backup(raw, file);
      },
      close: () => db.destroy(),
    };
  }
  // pg is loaded only for postgres URLs, so an SQLite node never pays for it.
  const pg = (await import("pg")).default;
  const { postgresDialect } = await import("./postgres.ts");
  // COUNT(*) and BIGINT come back as strings by default; our counts fit in a double.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  const { dialect, driver } = postgresDialect(
    { connectionString: url },
    { max: options.poolSize ?? 10 },
  );
  const signals = { outbox: new OutboxSignal(), any: new OutboxSignal() };
  const db = new Kysely<Schema>({ dialect: signallingDialect(dialect, signals) });
  return {
    db,
    dialect: "postgres",
    url,
    onOutboxWritten: (listener) => signals.outbox.subscribe(listener),
    onWriteCommitted: (listener) => signals.any.subscribe(listener),
    poolStats: () => driver.stats(),
    async backupTo() {
      throw new Error(
        "For PostgreSQL, back up with: pg_dump --format=custom --file=FILE DATABASE_URL",
      );
    },
    close: () => db.destroy(),
  };
}
