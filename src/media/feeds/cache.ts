/**
 * Rendered feeds kept in memory, so a reader polling every minute costs a map
 * lookup. The rule it keeps: an entry is served only while nothing could have
 * changed it. Every committed outbox write on this database handle (a post
 * created, edited, deleted, a profile updated — each records an event, see
 * db/outbox-signal.ts) bumps one version number and so invalidates every entry;
 * other processes' writes (several `--role web` processes on PostgreSQL) are not
 * heard, so entries also expire after `maxAgeMs`.
 */
import { createHash } from "node:crypto";

export interface CachedFeed {
  body: string;
  /** A strong validator: the body's hash. */
  etag: string;
  /** An HTTP-date (second precision). */
  lastModified: string;
}

interface Entry extends CachedFeed {
  version: number;
  storedAt: number;
}

export interface FeedCacheOptions {
  /** How long an entry lives without an invalidation heard (other processes' writes). */
  readonly maxAgeMs?: number;
  /** Entries kept; the oldest go first (tag feeds are unbounded in number). */
  readonly maxEntries?: number;
  /** Milliseconds now, for expiry (tests pass a fixed clock's). */
  readonly now?: () => number;
}

export class FeedCache {
  #version = 0;
  readonly #entries = new Map<string, Entry>();
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: FeedCacheOptions = {}) {
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
    this.#maxEntries = options.maxEntries ?? 2_000;
    this.#now = options.now ?? Date.now;
  }

  /** Something may have changed: every entry is stale. */
  invalidate = (): void => {
    this.#version++;
  };

  get(key: string): CachedFeed | null {
    const entry = this.#entries.get(key);
    if (!entry) return null;
    if (entry.version !== this.#version || this.#now() - entry.storedAt > this.#maxAgeMs) {
      this.#entries.delete(key);
      return null;
    }
    return entry;
  }

  /**
   * Renders (when no fresh entry exists) and stores. The version is read before
   * rendering: a write committed while rendering makes this entry stale at once.
   * A render that finds nothing (null: no such feed) is not stored, so made-up
   * addresses cannot push real feeds out.
   */
  async getOrRender(
    key: string,
    render: () => Promise<{ body: string; updated: string } | null>,
  ): Promise<CachedFeed | null> {
    const cached = this.get(key);
    if (cached) return cached;
    const version = this.#version;
    const rendered = await render();
    if (!rendered) return null;
    const { body, updated } = rendered;
    const feed = {
      body,
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
      lastModified: new Date(updated).toUTCString(),
    };
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { ...feed, version, storedAt: this.#now() });
    return feed;
  }
}
