/**
 * An in-memory cache for answers the client API builds from the database (the
 * instance document; issue 24). An entry is served only while this process has
 * committed no write since it was built (WriteClock, fed by Db.onWriteCommitted)
 * and for at most `trustMs`, the bound on how late another process's write
 * (several web processes on PostgreSQL) shows.
 */

/** Counts the writes this process committed (subscribe `heard` to Db.onWriteCommitted). */
export class WriteClock {
  writes = 0;
  heard = (): void => {
    this.writes++;
  };
}

interface Entry<V> {
  value: V;
  writes: number;
  at: number;
}

export class FreshCache<K, V> {
  readonly #entries = new Map<K, Entry<V>>();
  readonly #clock: WriteClock;
  readonly #trustMs: number;
  readonly #max: number;

  constructor(clock: WriteClock, options: { trustMs?: number; max?: number } = {}) {
    this.#clock = clock;
    this.#trustMs = options.trustMs ?? 1000;
    this.#max = options.max ?? 1000;
  }

  get(key: K, now = performance.now()): V | undefined {
    const hit = this.#entries.get(key);
    if (!hit) return undefined;
    if (hit.writes !== this.#clock.writes || now - hit.at >= this.#trustMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  /** Keeps `value`, built from what the database held when the clock read `writes`. */
  set(key: K, value: V, writes = this.#clock.writes, at = performance.now()): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#max)
      this.#entries.delete(this.#entries.keys().next().value as K);
    this.#entries.set(key, { value, writes, at });
  }

  /** Reads the write clock before a build (pass it to `set` after). */
  get writes(): number {
    return this.#clock.writes;
  }

  /**
   * The cached value, or `build`'s. `writes` is read before building: a write
   * committed while it builds leaves the entry already stale.
   */
  async through(key: K, build: () => Promise<V>): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const writes = this.#clock.writes;
    const at = performance.now();
    const value = await build();
    this.#entries.delete(key);
    if (this.#entries.size >= this.#max)
      this.#entries.delete(this.#entries.keys().next().value as K);
    this.#entries.set(key, { value, writes, at });
    return value;
  }
}
