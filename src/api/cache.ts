/**
 * An in-memory cache for answers the client API builds from the database (the
 * instance document; issue 24). An entry is served only while this process has
 * committed no write since it was built (WriteClock, fed by Db.onWriteCommitted)
 * and for at most `trustMs`, the bound on how late another process's write
 * (several web processes on PostgreSQL) shows.
 */

/**
 * Counts the writes this process committed (subscribe `heard` to Db.onWriteCommitted),
 * in all and table by table: a cache of what a few tables hold (accounts) is then
 * not dropped by every write elsewhere (a post, a like). A write whose tables are
 * not known counts against every table.
 */
export class WriteClock {
  writes = 0;
  /** Writes whose tables were not recognised. */
  #unknown = 0;
  readonly #byTable = new Map<string, number>();
  heard = (tables?: ReadonlySet<string> | null): void => {
    this.writes++;
    if (!tables) {
      this.#unknown++;
      return;
    }
    for (const t of tables) this.#byTable.set(t, (this.#byTable.get(t) ?? 0) + 1);
  };
  /** A number that moves whenever one of `tables` was written (or an unknown table). */
  versionOf(tables: readonly string[]): number {
    let n = this.#unknown;
    for (const t of tables) n += this.#byTable.get(t) ?? 0;
    return n;
  }
}

interface Entry<V> {
  value: V;
  writes: number;
  at: number;
}

export interface FreshCacheOptions {
  /** How long an entry is trusted at most (another process's writes are not heard): 1 s. */
  trustMs?: number;
  /** Entries kept at most (the oldest goes first): 1000. */
  max?: number;
  /**
   * The tables the cached answers are read from, when only their writes should drop
   * them; every table's otherwise. Must include the tables triggers or cascades write
   * that the answer reads (our triggers write only actor_stats and the search tables).
   */
  tables?: readonly string[];
}

export class FreshCache<K, V> {
  readonly #entries = new Map<K, Entry<V>>();
  readonly #clock: WriteClock;
  readonly #trustMs: number;
  readonly #max: number;
  readonly #tables: readonly string[] | undefined;

  constructor(clock: WriteClock, options: FreshCacheOptions = {}) {
    this.#clock = clock;
    this.#trustMs = options.trustMs ?? 1000;
    this.#max = options.max ?? 1000;
    this.#tables = options.tables;
  }

  get(key: K, now = performance.now()): V | undefined {
    const hit = this.#entries.get(key);
    if (!hit) return undefined;
    if (hit.writes !== this.writes || now - hit.at >= this.#trustMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  /** Keeps `value`, built from what the database held when the clock read `writes`. */
  set(key: K, value: V, writes = this.writes, at = performance.now()): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#max)
      this.#entries.delete(this.#entries.keys().next().value as K);
    this.#entries.set(key, { value, writes, at });
  }

  /** Reads the write clock (of this cache's tables) before a build (pass it to `set` after). */
  get writes(): number {
    return this.#tables ? this.#clock.versionOf(this.#tables) : this.#clock.writes;
  }

  /**
   * The cached value, or `build`'s. `writes` is read before building: a write
   * committed while it builds leaves the entry already stale.
   */
  async through(key: K, build: () => Promise<V>): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const writes = this.writes;
    const at = performance.now();
    const value = await build();
    this.#entries.delete(key);
    if (this.#entries.size >= this.#max)
      this.#entries.delete(this.#entries.keys().next().value as K);
    this.#entries.set(key, { value, writes, at });
    return value;
  }
}

/** Each database handle's write clock (app.ts sets it): caches of answers check against it. */
const clocks = new WeakMap<object, WriteClock>();

export function trackWrites(db: object, clock: WriteClock): void {
  clocks.set(db, clock);
}

/**
 * A FreshCache for each database handle whose writes are tracked (trackWrites), made
 * on first use; undefined for any other handle (a test's own, a transaction): no cache.
 */
export function cachePerDatabase<K, V>(
  options: FreshCacheOptions,
): (db: object) => FreshCache<K, V> | undefined {
  const caches = new WeakMap<object, FreshCache<K, V>>();
  return (db) => {
    let cache = caches.get(db);
    if (cache) return cache;
    const clock = clocks.get(db);
    if (!clock) return undefined;
    cache = new FreshCache<K, V>(clock, options);
    caches.set(db, cache);
    return cache;
  };
}
