/**
 * "An outbox event was just written", said by the database layer itself, so no
 * route or page has to remember to wake the relay. A Kysely dialect is wrapped so
 * that each connection notes when it inserted into outbox_events, and the signal
 * fires when that write becomes visible to the relay: at COMMIT of its transaction
 * (never before it, and not at all on a rollback), or right after the statement
 * when it ran outside a transaction.
 *
 * The signal is only a wake-up: a false one costs the relay one empty query, a
 * missed one (another process, the inbox helper thread) costs it at most its poll
 * interval, which stays as the safety net.
 */
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  InsertQueryNode,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from "kysely";

export type OutboxListener = () => void;

/** Listeners of one database handle; each is called once per committed write. */
export class OutboxSignal {
  readonly #listeners = new Set<OutboxListener>();

  /** Calls `listener` after each committed outbox write; returns the unsubscribe. */
  subscribe(listener: OutboxListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(): void {
    for (const listener of this.#listeners) {
      // A listener's failure must not turn a committed write into a failed call.
      try {
        listener();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/** An INSERT whose table is outbox_events (Kysely's query tree, or raw SQL text). */
function writesOutbox(query: CompiledQuery): boolean {
  const node = query.query;
  if (InsertQueryNode.is(node)) return node.into?.table.identifier.name === "outbox_events";
  return /^\s*insert\s+into\s+"?outbox_events"?[\s(]/i.test(query.sql);
}

interface ConnectionState {
  inner: DatabaseConnection;
  transaction: boolean;
  /** An outbox insert in the open transaction, not yet committed. */
  wrote: boolean;
  /** `wrote` as it was when each open savepoint was taken. */
  savepoints: Map<string, boolean>;
}

class SignallingDriver implements Driver {
  readonly #inner: Driver;
  readonly #signal: OutboxSignal;
  readonly #states = new WeakMap<DatabaseConnection, ConnectionState>();

  constructor(inner: Driver, signal: OutboxSignal) {
    this.#inner = inner;
    this.#signal = signal;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.#inner.acquireConnection();
    const state: ConnectionState = {
      inner,
      transaction: false,
      wrote: false,
      savepoints: new Map(),
    };
    const signal = this.#signal;
    const connection: DatabaseConnection = {
      async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
        const result = await inner.executeQuery<R>(query);
        if (writesOutbox(query)) {
          if (state.transaction) state.wrote = true;
          else signal.emit();
        }
        return result;
      },
      streamQuery: (query, chunkSize) => inner.streamQuery(query, chunkSize),
    };
    this.#states.set(connection, state);
    return connection;
  }

  #state(connection: DatabaseConnection): ConnectionState {
    const state = this.#states.get(connection);
    if (!state) throw new Error("A connection this driver did not acquire");
    return state;
  }

  async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    const state = this.#state(connection);
    await this.#inner.beginTransaction(state.inner, settings);
    state.transaction = true;
    state.wrote = false;
    state.savepoints.clear();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const state = this.#state(connection);
    const wrote = state.wrote;
    try {
      // Throws when the database rolled back instead (e.g. PostgreSQL after an error).
      await this.#inner.commitTransaction(state.inner);
    } finally {
      state.transaction = false;
      state.wrote = false;
      state.savepoints.clear();
    }
    if (wrote) this.#signal.emit();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const state = this.#state(connection);
    state.transaction = false;
    state.wrote = false;
    state.savepoints.clear();
    await this.#inner.rollbackTransaction(state.inner);
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler["compileQuery"],
  ): Promise<void> {
    const state = this.#state(connection);
    if (!this.#inner.savepoint) throw new Error("The dialect has no savepoints");
    await this.#inner.savepoint(state.inner, name, compileQuery);
    state.savepoints.set(name, state.wrote);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler["compileQuery"],
  ): Promise<void> {
    const state = this.#state(connection);
    if (!this.#inner.rollbackToSavepoint) throw new Error("The dialect has no savepoints");
    await this.#inner.rollbackToSavepoint(state.inner, name, compileQuery);
    state.wrote = state.savepoints.get(name) ?? state.wrote;
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler["compileQuery"],
  ): Promise<void> {
    const state = this.#state(connection);
    if (!this.#inner.releaseSavepoint) throw new Error("The dialect has no savepoints");
    await this.#inner.releaseSavepoint(state.inner, name, compileQuery);
    state.savepoints.delete(name);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const state = this.#state(connection);
    this.#states.delete(connection);
    await this.#inner.releaseConnection(state.inner);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}

/** `dialect`, with its driver telling `signal` about committed outbox writes. */
export function signallingDialect(dialect: Dialect, signal: OutboxSignal): Dialect {
  return {
    createDriver: () => new SignallingDriver(dialect.createDriver(), signal),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
