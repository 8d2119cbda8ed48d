/**
 * A counting semaphore: at most `limit` holders at once, the rest wait in
 * arrival order. It bounds work whose memory grows with how much runs at the
 * same time (decoding images), which a per-request limit cannot.
 */
export class Semaphore {
  readonly limit: number;
  #active = 0;
  #peak = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError("limit must be ≥ 1");
    this.limit = limit;
  }

  /** Runs `task` once a place is free; the place is given back however the task ends. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.limit)
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    this.#peak = Math.max(this.#peak, this.#active);
    try {
      return await task();
    } finally {
      // The place passes straight to the next waiter (active stays the same), or is freed.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }

  /** How many run now, how many wait, and the most that ever ran at once (for tests and metrics). */
  stats() {
    return { active: this.#active, waiting: this.#waiting.length, peak: this.#peak };
  }
}
