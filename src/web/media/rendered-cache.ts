/**
 * Rendered pages kept in memory, each with the stamp of what it showed
 * (article-read.ts `articleStamp`): a hit is served only while the stamp is
 * unchanged, so an edit, a publish, a hidden or new comment shows at once.
 * The stamp is read again whenever this process has committed any write since
 * it was last read (`heardWrite`, from Db.onWriteCommitted), and at least every
 * RECHECK_MS for other processes' writes (several web processes on PostgreSQL).
 * Bounded: the oldest entry goes first.
 */
import { createHash } from "node:crypto";

export interface RenderedPage {
  stamp: string;
  etag: string;
  title: string;
  head: string;
  body: string;
  /** The whole page for a visitor without a session (the header differs for members). */
  visitorPage: Uint8Array<ArrayBuffer> | null;
  /** The cache's write count and the monotonic time when the stamp was last read. */
  checkedWrites: number;
  checkedAt: number;
}

/** How long a checked stamp is trusted when this process has written nothing. */
export const RECHECK_MS = 1_000;

export class RenderedCache {
  readonly #entries = new Map<string, RenderedPage>();
  readonly #max: number;
  /** Writes this process has committed (Db.onWriteCommitted calls `heardWrite`). */
  writes = 0;

  readonly #trustWindowMs: number;

  /** `trustWindowMs` 0: read the stamp on every request (a cache that hears no writes). */
  constructor(max = 1000, options: { trustWindowMs?: number } = {}) {
    this.#max = max;
    this.#trustWindowMs = options.trustWindowMs ?? RECHECK_MS;
  }

  heardWrite = (): void => {
    this.writes++;
  };

  get(key: string, stamp: string): RenderedPage | null {
    const hit = this.#entries.get(key);
    return hit && hit.stamp === stamp ? hit : null;
  }

  /** The entry, whatever its stamp (the caller reads the stamp and compares). */
  peek(key: string): RenderedPage | null {
    return this.#entries.get(key) ?? null;
  }

  /** The entry when its stamp can be trusted without reading it again. */
  trusted(key: string, now = performance.now()): RenderedPage | null {
    const hit = this.#entries.get(key);
    if (!hit || hit.checkedWrites !== this.writes || now - hit.checkedAt >= this.#trustWindowMs)
      return null;
    return hit;
  }

  /** Notes that `page`'s stamp was read (and found current) when the count was `writes`. */
  checked(page: RenderedPage, writes: number): void {
    page.checkedWrites = writes;
    page.checkedAt = performance.now();
  }

  set(key: string, page: RenderedPage): void {
    this.#entries.delete(key);
    this.#entries.set(key, page);
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** A strong ETag for a version of a page: its key and stamp, hashed. */
export const etagOf = (key: string, stamp: string) =>
  `"${createHash("sha256").update(key).update("\0").update(stamp).digest("base64url").slice(0, 22)}"`;

/** If-None-Match matches (a list, weak or strong, or *). */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
