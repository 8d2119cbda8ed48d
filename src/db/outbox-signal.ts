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
 *
 * A second signal says the same of any write (INSERT, UPDATE, DELETE): in-memory
 * caches of pages (the article page) trust what they hold while this handle has
 * committed nothing since they last checked.
 */
import {
  AliasNode,
  type CompiledQuery,
  type DatabaseConnection,
  DeleteQueryNode,
  type Dialect,
  type Driver,
  InsertQueryNode,
  type OperationNode,
  type QueryCompiler,
  type QueryResult,
  TableNode,
  type TransactionSettings,
  UpdateQueryNode,
} from "kysely";

/**
 * Called after a committed write; `tables` names the tables its statements wrote
 * (directly: not what their triggers or cascades wrote), or is null when a
 * statement's table was not recognised (raw SQL of another shape).
 */
export type OutboxListener = (tables?: ReadonlySet<string> | null) => void;

/** Listeners of one database handle; each is called once per committed write. */
export class OutboxSignal {
  readonly #listeners = new Set<OutboxListener>();

  /** Calls `listener` after each committed outbox write; returns the unsubscribe. */
  subscribe(listener: OutboxListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(tables: ReadonlySet<string> | null = null): void {
    for (const listener of this.#listeners) {
      // A listener's failure must not turn a committed write into a failed call.
      try {
        listener(tables);
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

/** Any INSERT, UPDATE or DELETE (Kysely's query tree, or raw SQL text). */
function writesAnything(query: CompiledQuery): boolean {
  const node = query.query;
  return (
    InsertQueryNode.is(node) ||
    UpdateQueryNode.is(node) ||
    DeleteQueryNode.is(node) ||
    /^\s*(insert|update|delete)\s/i.test(query.sql)
  );
}

const RAW_WRITE = /^\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+"?(\w+)"?/i;

/** A table's name, plain or aliased (`posts as p`); null for anything else. */
function tableName(node: OperationNode | undefined): string | null {
  if (node && TableNode.is(node)) return node.table.identifier.name;
  if (node && AliasNode.is(node) && TableNode.is(node.node)) return node.node.table.identifier.name;
  return null;
}

/** The table a write names (Kysely's query tree, or raw SQL text); null when not recognised. */
function tableWritten(query: CompiledQuery): string | null {
  const node = query.query;
  if (InsertQueryNode.is(node)) return tableName(node.into);
  if (UpdateQueryNode.is(node)) return tableName(node.table);
  if (DeleteQueryNode.is(node))
    return node.from.froms.length === 1 ? tableName(node.from.froms[0]) : null;
  return RAW_WRITE.exec(query.sql)?.[1] ?? null;
}

/** What the open transaction wrote, not yet committed. */
interface Wrote {
  outbox: boolean;
  any: boolean;
  /** The tables written; null once a write's table was not recognised. */
  tables: Set<string> | null;
}
const nothing = (): Wrote => ({ outbox: false, any: false, tables: new Set() });

/**
 * One inner connection, wrapped for its whole life: Kysely and this driver keep
 * state per connection, and a new wrapper per query was garbage on every query.
 */
class SignallingConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  readonly #signals: WriteSignals;
  transaction = false;
  wrote: Wrote = nothing();
  /** `wrote` as it was when each open savepoint was taken. */
  readonly savepoints = new Map<string, Wrote>();

  constructor(inner: DatabaseConnection, signals: WriteSignals) {
    this.inner = inner;
    this.#signals = signals;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.inner.executeQuery<R>(query);
    if (writesAnything(query)) {
      const outbox = writesOutbox(query);
      const table = tableWritten(query);
      if (this.transaction) {
        this.wrote.any = true;
        if (outbox) this.wrote.outbox = true;
        if (table === null) this.wrote.tables = null;
        else this.wrote.tables?.add(table);
      } else {
        this.#signals.any.emit(table === null ? null : new Set([table]));
        if (outbox) this.#signals.outbox.emit();
      }
    }
    return result;
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }

  reset(): void {
    this.transaction = false;
    this.wrote = nothing();
    this.savepoints.clear();
  }
}

/** The two signals of one handle: outbox writes (the relay) and any write (caches). */
export interface WriteSignals {
  outbox: OutboxSignal;
  any: OutboxSignal;
}

class SignallingDriver implements Driver {
  readonly #inner: Driver;
  readonly #signals: WriteSignals;
  readonly #wrappers = new WeakMap<DatabaseConnection, SignallingConnection>();

  constructor(inner: Driver, signals: WriteSignals) {
    this.#inner = inner;
    this.#signals = signals;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.#inner.acquireConnection();
    let connection = this.#wrappers.get(inner);
    if (!connection) {
      connection = new SignallingConnection(inner, this.#signals);
      this.#wrappers.set(inner, connection);
    }
    connection.reset();
    return connection;
  }

  #state(connection: DatabaseConnection): SignallingConnection {
    if (!(connection instanceof SignallingConnection))
      throw new Error("A connection this driver did not acquire");
    return connection;
  }

  async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    const state = this.#state(connection);
    await this.#inner.beginTransaction(state.inner, settings);
    state.transaction = true;
    state.wrote = nothing();
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
      state.wrote = nothing();
      state.savepoints.clear();
    }
    if (wrote.any) this.#signals.any.emit(wrote.tables);
    if (wrote.outbox) this.#signals.outbox.emit();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const state = this.#state(connection);
    state.transaction = false;
    state.wrote = nothing();
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
    const { tables } = state.wrote;
    state.savepoints.set(name, { ...state.wrote, tables: tables && new Set(tables) });
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler["compileQuery"],
  ): Promise<void> {
    const state = this.#state(connection);
    if (!this.#inner.rollbackToSavepoint) throw new Error("The dialect has no savepoints");
    await this.#inner.rollbackToSavepoint(state.inner, name, compileQuery);
    const before = state.savepoints.get(name);
    // A rollback to a savepoint undoes the writes since; its tables are still
    // reported (a spurious invalidation is harmless, a missed one is not).
    if (before) state.wrote = { ...before, tables: state.wrote.tables };
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
    state.reset();
    await this.#inner.releaseConnection(state.inner);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}

/** `dialect`, with its driver telling `signals` about committed writes. */
export function signallingDialect(dialect: Dialect, signals: WriteSignals): Dialect {
  return {
    createDriver: () => new SignallingDriver(dialect.createDriver(), signals),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
