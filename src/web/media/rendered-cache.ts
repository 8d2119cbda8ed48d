/**
 * Rendered pages kept in memory, each with the stamp of what it showed
 * (article-read.ts `articleStamp`): a hit is served only while the stamp is
 * unchanged, so an edit, a publish, a hidden or new comment shows at once — the
 * stamp is read from the database on every request, which is also what keeps
 * several web processes honest. Bounded: the oldest entry goes first.
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
}

export class RenderedCache {
  readonly #entries = new Map<string, RenderedPage>();
  readonly #max: number;

  constructor(max = 1000) {
    this.#max = max;
  }

  get(key: string, stamp: string): RenderedPage | null {
    const hit = this.#entries.get(key);
    return hit && hit.stamp === stamp ? hit : null;
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
