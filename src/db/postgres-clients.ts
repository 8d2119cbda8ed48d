/**
 * The PostgreSQL connections of one process (issue 24). pg's own pool costs each
 * checkout a tick (process.nextTick before it hands out an idle client), an error
 * listener removed and added again, and an idle timer cleared and set again: on a
 * page of a dozen queries, more than the protocol. Here an idle client is handed
 * out at once, the most recently used first (its prepared statements are warm);
 * idle connections are closed by one sweep a minute, down to one.
 *
 * A client that fails (its socket closed, the server restarted) or that was given
 * back mid-transaction is closed, never handed out again.
 */
import pg from "pg";

/** pg's Client has ref() and unref() (its socket's), which its types leave out. */
type Refable = pg.Client & { ref(): void; unref(): void };

const IDLE_CLOSE_MS = 60_000;

export interface PooledClient {
  readonly pg: pg.Client;
  /** Not to be handed out again (its connection failed, or its state is unknown). */
  broken: boolean;
  idleSince: number;
}

interface Waiter {
  resolve(client: PooledClient): void;
  reject(error: unknown): void;
}

export class ClientPool {
  readonly #config: pg.ClientConfig;
  readonly #max: number;
  readonly #all = new Set<PooledClient>();
  /** Idle clients, the most recently used last. */
  readonly #idle: PooledClient[] = [];
  readonly #waiters: Waiter[] = [];
  #opening = 0;
  #ended = false;
  readonly #sweep: NodeJS.Timeout;

  constructor(config: pg.ClientConfig, max: number) {
    this.#config = config;
    this.#max = Math.max(1, max);
    this.#sweep = setInterval(() => this.#closeIdle(), IDLE_CLOSE_MS);
    this.#sweep.unref();
  }

  stats() {
    return { total: this.#all.size, idle: this.#idle.length, waiting: this.#waiters.length };
  }

  acquire(): Promise<PooledClient> {
    if (this.#ended) return Promise.reject(new Error("The database pool has been closed"));
    const idle = this.#idle.pop();
    if (idle) {
      (idle.pg as Refable).ref();
      return Promise.resolve(idle);
    }
    if (this.#all.size + this.#opening < this.#max) return this.#open();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  release(client: PooledClient): void {
    if (client.broken || this.#ended) {
      this.#close(client);
      // A waiter for the place it held gets a new connection.
      const waiter = this.#waiters.shift();
      if (waiter) this.#open().then(waiter.resolve, waiter.reject);
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.resolve(client);
      return;
    }
    client.idleSince = performance.now();
    // An idle connection lets the process exit (as pg's pool's allowExitOnIdle).
    (client.pg as Refable).unref();
    this.#idle.push(client);
  }

  async end(): Promise<void> {
    this.#ended = true;
    clearInterval(this.#sweep);
    for (const waiter of this.#waiters.splice(0))
      waiter.reject(new Error("The database pool has been closed"));
    await Promise.all([...this.#all].map((c) => this.#close(c)));
  }

  async #open(): Promise<PooledClient> {
    this.#opening++;
    const client = new pg.Client(this.#config);
    const pooled: PooledClient = { pg: client, broken: false, idleSince: 0 };
    // A connection lost while idle must not crash the process: it is dropped.
    client.on("error", () => this.#drop(pooled));
    client.on("end", () => this.#drop(pooled));
    try {
      await client.connect();
    } catch (error) {
      this.#opening--;
      // No connection at all: the waiters would wait for a release that never comes.
      if (this.#all.size === 0) for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
      throw error;
    }
    this.#opening--;
    this.#all.add(pooled);
    return pooled;
  }

  /** A client that failed: out of the pool (if idle, out of the idle list too). */
  #drop(client: PooledClient): void {
    client.broken = true;
    this.#all.delete(client);
    const at = this.#idle.indexOf(client);
    if (at >= 0) this.#idle.splice(at, 1);
  }

  async #close(client: PooledClient): Promise<void> {
    this.#drop(client);
    // Held until it has closed: end() waits for the socket's end, idle ones are unref'd.
    (client.pg as Refable).ref();
    await client.pg.end().catch(() => undefined);
  }

  #closeIdle(): void {
    const before = performance.now() - IDLE_CLOSE_MS;
    // The oldest idle first; one is kept (the next request needs no handshake).
    while (this.#idle.length > 1 && (this.#idle[0]?.idleSince ?? Infinity) < before) {
      const client = this.#idle.shift();
      if (client) void this.#close(client);
    }
  }
}
