/**
 * Statements outside transactions, pipelined (issue 24). A page sends its queries
 * in waves (Promise.all): on pooled connections each one was its own socket
 * write and read, and on this machine a write to PostgreSQL over loopback costs
 * the web process more than building the query. Here they go down one shared
 * connection in pg's pipeline mode, and the writes of one turn of the event loop
 * leave in one: a wave of four queries costs about a third of what four
 * connections did (measured: 75 µs against 190–290 µs of CPU).
 *
 * PostgreSQL answers a connection's statements in order, so one slow statement
 * holds back those behind it: a connection that has answered nothing for
 * STALL_MS while it has statements out is passed over for the next one (up to
 * `max`, opened as needed). Each statement ends with its own Sync: one that fails
 * fails alone.
 *
 * What goes here runs in autocommit, as a statement from a pool did; transactions
 * (and the connection a transaction holds) are the pool's (postgres-clients.ts).
 */
import pg from "pg";
import { runStatement } from "./postgres-query.ts";
import { StatementNames } from "./postgres-statements.ts";

/** A shared connection with statements out and no answer for this long is passed over. */
const STALL_MS = 10;
/** At most this many statements out on one shared connection before the next is used. */
const MAX_IN_FLIGHT = 64;

interface Shared {
  readonly client: pg.Client;
  readonly names: StatementNames;
  /** pg's connection, whose stream is the socket (or the TLS stream once upgraded). */
  readonly connection:
    | { stream?: { cork(): void; uncork(): void; ref(): void; unref(): void } }
    | undefined;
  inFlight: number;
  /** When it last answered a statement (or was given one while idle). */
  progressAt: number;
  corked: boolean;
}

export interface SharedClientsOptions {
  readonly max: number;
  readonly statementsPerConnection: number;
  readonly schema: { generation: number };
}

const uncork = (stream: { uncork(): void }, shared: Shared) => {
  shared.corked = false;
  stream.uncork();
};

export class SharedClients {
  readonly #config: pg.ClientConfig;
  readonly #options: SharedClientsOptions;
  readonly #clients: Shared[] = [];
  #opening: Promise<Shared> | undefined;
  #ended = false;

  constructor(config: pg.ClientConfig, options: SharedClientsOptions) {
    this.#config = config;
    this.#options = options;
  }

  get size(): number {
    return this.#clients.length;
  }

  async run(text: string, values: readonly unknown[]): Promise<pg.QueryResult> {
    const shared = this.#pick() ?? (await this.#open());
    const now = performance.now();
    if (shared.inFlight++ === 0) {
      shared.progressAt = now;
      // Held while it has statements out (an idle connection lets the process exit).
      shared.connection?.stream?.ref();
    }
    // The statements of this turn of the event loop leave in one write: the
    // stream is held until the turn's promise jobs have run (process.nextTick
    // queued from one runs after them).
    const stream = shared.connection?.stream;
    if (!shared.corked && stream) {
      shared.corked = true;
      stream.cork();
      process.nextTick(uncork, stream, shared);
    }
    try {
      return await runStatement(shared.client, shared.names, text, values, false);
    } finally {
      if (--shared.inFlight === 0) shared.connection?.stream?.unref();
      shared.progressAt = performance.now();
    }
  }

  async end(): Promise<void> {
    this.#ended = true;
    const clients = this.#clients.splice(0);
    // Held until closed: end() waits for the socket's end, and an idle one is unref'd.
    for (const s of clients) s.connection?.stream?.ref();
    await Promise.all(clients.map((s) => s.client.end().catch(() => undefined)));
  }

  /** The first connection that is answering; undefined when another should be opened. */
  #pick(): Shared | undefined {
    const now = performance.now();
    let least: Shared | undefined;
    for (const shared of this.#clients) {
      if (
        shared.inFlight === 0 ||
        (shared.inFlight < MAX_IN_FLIGHT && now - shared.progressAt < STALL_MS)
      )
        return shared;
      if (!least || shared.inFlight < least.inFlight) least = shared;
    }
    if (this.#clients.length < this.#options.max) return undefined;
    return least;
  }

  #open(): Promise<Shared> {
    if (this.#ended) return Promise.reject(new Error("The database pool has been closed"));
    this.#opening ??= this.#connect().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async #connect(): Promise<Shared> {
    const client = new pg.Client({ ...this.#config, pipeline: true } as pg.ClientConfig);
    const shared: Shared = {
      client,
      names: new StatementNames(
        client,
        this.#options.schema,
        this.#options.statementsPerConnection,
      ),
      connection: (client as unknown as { connection?: Shared["connection"] }).connection,
      inFlight: 0,
      progressAt: 0,
      corked: false,
    };
    // A lost connection fails the statements it had out (pg does) and is replaced.
    const drop = () => {
      const at = this.#clients.indexOf(shared);
      if (at >= 0) this.#clients.splice(at, 1);
    };
    client.on("error", drop);
    client.on("end", drop);
    await client.connect();
    if (this.#ended) {
      await client.end();
      throw new Error("The database pool has been closed");
    }
    // Idle until its first statement: a process with nothing else to do may exit, as
    // with pg's pool's allowExitOnIdle (a script, a test file that never closes its node).
    shared.connection?.stream?.unref();
    this.#clients.push(shared);
    return shared;
  }
}
