/**
 * Kysely's driver for PostgreSQL, written for the web process's CPU (issue 24). A
 * page reads through a dozen queries, and each one cost the process more than the
 * server took to answer it: a pool checkout (a tick, an idle timer, listeners
 * added and removed), a socket write and read of its own, Kysely's connection
 * wrapper. Here:
 *
 * - statements outside transactions go down shared pipelined connections, the
 *   writes of one turn of the event loop in one (postgres-pipeline.ts);
 * - a transaction takes a connection of its own from a small pool
 *   (postgres-clients.ts), the most recently used first;
 * - a text run twice on a connection becomes a named prepared statement there
 *   (postgres-statements.ts): parsed and planned once per connection, and never
 *   served with a stale shape after a schema change;
 * - the connection objects Kysely sees are reused (Kysely and the write signal
 *   keep per-connection state in weak maps: a new object per query was garbage).
 *
 * Kysely acquires a connection for each query, each transaction and each
 * `db.connection()`, and only a transaction tells the driver so (beginTransaction).
 * A lease is therefore unbound until a transaction begins on it: the statements of
 * `db.connection().execute(…)` outside a transaction run in autocommit on the
 * shared connections, not on one session (nothing here keeps session state).
 */
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from "kysely";
import type pg from "pg";
import { ClientPool, type PooledClient } from "./postgres-clients.ts";
import { SharedClients } from "./postgres-pipeline.ts";
import { runStatement } from "./postgres-query.ts";
import { StatementNames } from "./postgres-statements.ts";

export interface PostgresDriverOptions {
  /** Connections for transactions at most (a transaction waits for one beyond that). */
  readonly max: number;
  /** Shared pipelined connections for statements outside transactions. */
  readonly shared?: number;
  /** Named statements kept per connection (least recently used deallocated beyond). */
  readonly statementsPerConnection?: number;
}

/** The connections' state, for the metrics page. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** Leases kept for reuse: past this many at once, extra ones are left to the GC. */
const SPARE_LEASES = 64;

interface Bound {
  pooled: PooledClient;
  names: StatementNames;
}

/** What Kysely holds between acquireConnection and releaseConnection. */
class Lease implements DatabaseConnection {
  readonly #shared: SharedClients;
  /** The pool's connection, while a transaction is open on this lease. */
  bound: Bound | null = null;
  transaction = false;

  constructor(shared: SharedClients) {
    this.#shared = shared;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = query;
    const { bound } = this;
    const result = bound
      ? await runStatement(bound.pooled.pg, bound.names, sql, parameters, this.transaction)
      : await this.#shared.run(sql, parameters);
    const { command, rowCount, rows } = result;
    if (command === "ROLLBACK" || command === "COMMIT") return { rows: [{ command } as R] };
    return {
      numAffectedRows:
        command === "INSERT" || command === "UPDATE" || command === "DELETE" || command === "MERGE"
          ? BigInt(rowCount ?? 0)
          : undefined,
      rows: (rows ?? []) as R[],
    };
  }

  // biome-ignore lint/correctness/useYield: no cursor support: every read here is a page
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("Streaming queries are not supported on PostgreSQL here");
  }
}

export class PostgresDriver implements Driver {
  readonly #pool: ClientPool;
  readonly #shared: SharedClients;
  readonly #names = new WeakMap<PooledClient, StatementNames>();
  readonly #spare: Lease[] = [];
  readonly #statementsPerConnection: number;
  /** Bumped by each schema change run through this driver: older names are forgotten. */
  readonly #schema = { generation: 0 };

  constructor(config: pg.ClientConfig, options: PostgresDriverOptions) {
    this.#statementsPerConnection = options.statementsPerConnection ?? 256;
    this.#pool = new ClientPool(config, options.max);
    this.#shared = new SharedClients(config, {
      max: options.shared ?? Math.max(1, Math.min(3, Math.ceil(options.max / 4))),
      statementsPerConnection: this.#statementsPerConnection,
      schema: this.#schema,
    });
  }

  async init(): Promise<void> {}

  stats(): PoolStats {
    const pool = this.#pool.stats();
    return { ...pool, total: pool.total + this.#shared.size };
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#spare.pop() ?? new Lease(this.#shared);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    const lease = connection as Lease;
    const pooled = await this.#pool.acquire();
    let names = this.#names.get(pooled);
    if (!names) {
      names = new StatementNames(pooled.pg, this.#schema, this.#statementsPerConnection);
      this.#names.set(pooled, names);
    }
    lease.bound = { pooled, names };
    let begin = "begin";
    if (settings.isolationLevel || settings.accessMode) {
      begin = "start transaction";
      if (settings.isolationLevel) begin += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) begin += ` ${settings.accessMode}`;
    }
    try {
      await lease.executeQuery(CompiledQuery.raw(begin));
    } catch (error) {
      this.#unbind(lease);
      throw error;
    }
    lease.transaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    try {
      const { rows } = await lease.executeQuery<{ command: string }>(CompiledQuery.raw("commit"));
      // PostgreSQL answers COMMIT with ROLLBACK when an earlier error aborted the transaction.
      if (rows[0]?.command === "ROLLBACK") throw new Error("The transaction was rolled back");
    } finally {
      lease.transaction = false;
      this.#unbind(lease);
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    // Kysely rolls back after a failed commit too: that transaction is over already.
    if (!lease.bound) return;
    try {
      await lease.executeQuery(CompiledQuery.raw("rollback"));
      lease.transaction = false;
    } finally {
      // A connection that could not roll back is closed (unbind sees the transaction open).
      this.#unbind(lease);
      lease.transaction = false;
    }
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoted(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoted(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoted(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    this.#unbind(lease);
    lease.transaction = false;
    if (this.#spare.length < SPARE_LEASES) this.#spare.push(lease);
  }

  async destroy(): Promise<void> {
    await Promise.all([this.#pool.end(), this.#shared.end()]);
  }

  /** The lease's pool connection goes back; one still inside a transaction is closed. */
  #unbind(lease: Lease): void {
    const { bound } = lease;
    if (!bound) return;
    lease.bound = null;
    if (lease.transaction) bound.pooled.broken = true;
    this.#pool.release(bound.pooled);
  }
}

/** A savepoint's name as an identifier (Kysely's are plain words; quoted all the same). */
function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Kysely's PostgreSQL dialect with this driver. */
export function postgresDialect(config: pg.ClientConfig, options: PostgresDriverOptions) {
  const driver = new PostgresDriver(config, options);
  const dialect: Dialect = {
    createDriver: () => driver,
    createQueryCompiler: () => new PostgresQueryCompiler(),
    createAdapter: () => new PostgresAdapter(),
    createIntrospector: (db) => new PostgresIntrospector(db),
  };
  return { dialect, driver };
}
