/**
 * What was built from a row, kept with the row's stamp (its version: an edit time,
 * a counter) and served only while the stamp read again with the row is the same.
 * The stamp comes from the database in the query that needed the value, so the
 * answer is right whichever process wrote the row: nothing to invalidate, no window
 * of staleness. Bounded: the least recently used entry goes first.
 */
export class StampedCache<V> {
  readonly #entries = new Map<string, { stamp: string; value: V }>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get(key: string, stamp: string): V | undefined {
    const hit = this.#entries.get(key);
    if (!hit || hit.stamp !== stamp) return undefined;
    // Most recently used last: Map keeps insertion order.
    this.#entries.delete(key);
    this.#entries.set(key, hit);
    return hit.value;
  }

  set(key: string, stamp: string, value: V): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#max)
      this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, { stamp, value });
  }

  get size(): number {
    return this.#entries.size;
  }
}
