/**
 * Kysely's driver for PostgreSQL, written for the web process's CPU (issue 24). A
 * page reads through a dozen queries, and each one cost the process more than the
 * server took to answer it: a pool checkout (a tick, an idle timer, listeners
 * added and removed), Kysely's connection wrapper, then the protocol. Here:
 *
 * - a small pool of our own (postgres-clients.ts): an idle client is handed out at once, the
 *   most recently used first, so one request's queries mostly meet the same client;
 * - a query run twice on a client becomes a named prepared statement there
 *   (postgres-statements.ts): the server parses and plans it once per connection, and the
 *   Parse message is not sent again;
 * - one connection object per client for its whole life (Kysely and the write
 *   signal keep per-connection state in weak maps: a new object per query was
 *   garbage for every query).
 *
 * A prepared statement must never answer with a stale shape after a schema change:
 * see postgres-statements.ts.
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
import { StatementNames } from "./postgres-statements.ts";

export interface PostgresDriverOptions {
  /** Connections at most (requests wait for one beyond that). */
  readonly max: number;
  /** Named statements kept per connection (least recently used deallocated beyond). */
  readonly statementsPerConnection?: number;
}

/** The pool's state, for the metrics page. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

class PostgresConnection implements DatabaseConnection {
  readonly client: PooledClient;
  readonly #names: StatementNames;
  transaction = false;

  constructor(client: PooledClient, names: StatementNames) {
    this.client = client;
    this.#names = names;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = query;
    const name = this.#names.nameFor(sql, parameters.length);
    let result: pg.QueryResult;
    try {
      result = await this.client.pg.query(
        name
          ? { name, text: sql, values: parameters as unknown[] }
          : { text: sql, values: parameters as unknown[] },
      );
    } catch (error) {
      if (name) this.#names.failed(sql, name);
      if (!this.#names.staleShape(error)) throw error;
      // Another process changed the schema under a statement of ours: forgotten
      // above (every statement of this connection); outside a transaction the query
      // is simply run again, parsed anew. Inside one, the transaction has failed.
      if (this.transaction) throw error;
      result = await this.client.pg.query({ text: sql, values: parameters as unknown[] });
    }
    this.#names.afterRun(sql);
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
  readonly #connections = new WeakMap<PooledClient, PostgresConnection>();
  readonly #statementsPerConnection: number;
  /** Bumped by each schema change run through this driver: older names are forgotten. */
  readonly #schema = { generation: 0 };

  constructor(config: pg.ClientConfig, options: PostgresDriverOptions) {
    this.#pool = new ClientPool(config, options.max);
    this.#statementsPerConnection = options.statementsPerConnection ?? 256;
  }

  async init(): Promise<void> {}

  stats(): PoolStats {
    return this.#pool.stats();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const client = await this.#pool.acquire();
    let connection = this.#connections.get(client);
    if (!connection) {
      connection = new PostgresConnection(
        client,
        new StatementNames(client.pg, this.#schema, this.#statementsPerConnection),
      );
      this.#connections.set(client, connection);
    }
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    let begin = "begin";
    if (settings.isolationLevel || settings.accessMode) {
      begin = "start transaction";
      if (settings.isolationLevel) begin += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) begin += ` ${settings.accessMode}`;
    }
    await connection.executeQuery(CompiledQuery.raw(begin));
    (connection as PostgresConnection).transaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const own = connection as PostgresConnection;
    try {
      const { rows } = await connection.executeQuery<{ command: string }>(
        CompiledQuery.raw("commit"),
      );
      // PostgreSQL answers COMMIT with ROLLBACK when an earlier error aborted the transaction.
      if (rows[0]?.command === "ROLLBACK") throw new Error("The transaction was rolled back");
    } finally {
      own.transaction = false;
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const own = connection as PostgresConnection;
    try {
      await connection.executeQuery(CompiledQuery.raw("rollback"));
    } catch (error) {
      // A connection that cannot roll back is in no state to serve anyone else.
      own.client.broken = true;
      throw error;
    } finally {
      own.transaction = false;
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
    const own = connection as PostgresConnection;
    // Handed back inside a transaction (an error between begin and rollback): not reusable.
    if (own.transaction) own.client.broken = true;
    this.#pool.release(own.client);
  }

  async destroy(): Promise<void> {
    await this.#pool.end();
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
