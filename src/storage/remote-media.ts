/**
 * The cache of other servers' media (attachments, avatars, headers). Pages and
 * the API link to /media/remote/<key>, never to the remote server, so a reader's
 * browser does not tell every remote server who reads what, and a remote server
 * that goes away leaves what we already showed. The rules:
 *
 * - Only URLs that arrived with a post or an actor are fetched: a row is made
 *   when they arrive (`registerRemoteMedia`), and the route answers 404 for any
 *   other key, so the node is not an open proxy.
 * - Bytes are fetched on first view, at most MAX_CONCURRENT_FETCHES at once and
 *   one fetch per key at a time (later viewers wait for it); a failed fetch is
 *   not retried for RETRY_AFTER_MS.
 * - `pruneRemoteMedia` drops objects unused for maxAgeDays, then the least
 *   recently used until the total is under maxBytes; rows stay, so the next view
 *   fetches again.
 *
 * The fetch itself (address checks, size cap, deadline) is the caller's
 * `RemoteMediaFetcher` (federation/remote-media-fetch.ts).
 */
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import type { Clock } from "../kernel/clock.ts";
import { mediaUrl } from "./images.ts";
import { Semaphore } from "./semaphore.ts";
import { type CachedMediaType, sniffMediaType } from "./sniff.ts";
import { type MediaConfig, mediaStore } from "./store.ts";

export const MAX_CONCURRENT_FETCHES = 4;
/** After a failed fetch, views answer 404 for this long before the next attempt. */
export const RETRY_AFTER_MS = 10 * 60_000;
/** last_used_at is written at most this often per object (a view is not a write). */
const TOUCH_EVERY_MS = 60 * 60_000;

export type RemoteMediaFetcher = (
  url: string,
) => Promise<{ ok: true; bytes: Uint8Array } | { ok: false; reason: string }>;

export interface RemoteMediaDeps {
  db: Kysely<Schema>;
  media: MediaConfig;
  fetcher: RemoteMediaFetcher;
  clock: Clock;
}

export const remoteMediaKey = (url: string) => createHash("sha256").update(url).digest("hex");

/** The path pages and the API link to for a remote URL. */
export const remoteMediaUrl = (url: string) => `/media/remote/${remoteMediaKey(url)}`;

/** An attachment's link: our upload's file, or the cached copy of a remote one. */
export const attachmentUrl = (m: { path: string | null; remote_url: string | null }) =>
  m.path ? mediaUrl(m.path) : m.remote_url ? remoteMediaUrl(m.remote_url) : "";

const storeKey = (key: string) => `remote/${key.slice(0, 2)}/${key}`;

/** Remembers URLs that arrived (http(s) only), so they may be fetched later. */
export async function registerRemoteMedia(
  db: Kysely<Schema>,
  urls: readonly (string | null | undefined)[],
  clock: Clock,
): Promise<void> {
  const now = clock.now().toISOString();
  const rows = [...new Set(urls)]
    .filter((u): u is string => typeof u === "string" && /^https?:\/\//i.test(u))
    .map((url) => ({ key: remoteMediaKey(url), url, created_at: now }));
  if (rows.length === 0) return;
  await db
    .insertInto("remote_media")
    .values(rows)
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
}

const fetching = new Semaphore(MAX_CONCURRENT_FETCHES);
const inFlight = new Map<string, Promise<RemoteObject | undefined>>();

export interface RemoteObject {
  bytes: Uint8Array;
  contentType: CachedMediaType;
}

/**
 * The bytes of a registered remote URL: from the store, or fetched now and
 * stored. Undefined for an unknown key, a failed fetch, or a type we do not serve.
 */
export async function remoteMediaObject(
  deps: RemoteMediaDeps,
  key: string,
): Promise<RemoteObject | undefined> {
  if (!/^[0-9a-f]{64}$/.test(key)) return undefined;
  const row = await deps.db
    .selectFrom("remote_media")
    .selectAll()
    .where("key", "=", key)
    .executeTakeFirst();
  if (!row) return undefined;
  const now = deps.clock.now();
  if (row.cached === 1 && row.content_type) {
    const bytes = await mediaStore(deps.media).get(storeKey(key));
    if (bytes) {
      if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > TOUCH_EVERY_MS)
        await deps.db
          .updateTable("remote_media")
          .set({ last_used_at: now.toISOString() })
          .where("key", "=", key)
          .execute();
      return { bytes, contentType: row.content_type as CachedMediaType };
    }
  }
  if (row.failed_at && now.getTime() - Date.parse(row.failed_at) < RETRY_AFTER_MS) return undefined;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = fetching
      .run(() => fetchAndStore(deps, key, row.url))
      .finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

async function fetchAndStore(
  deps: RemoteMediaDeps,
  key: string,
  url: string,
): Promise<RemoteObject | undefined> {
  const got = await deps
    .fetcher(url)
    .catch((error: Error) => ({ ok: false as const, reason: error.message }));
  const contentType = got.ok ? sniffMediaType(got.bytes) : null;
  const now = deps.clock.now().toISOString();
  if (!got.ok || !contentType) {
    await deps.db
      .updateTable("remote_media")
      .set({ failed_at: now })
      .where("key", "=", key)
      .execute();
    return undefined;
  }
  await mediaStore(deps.media).put(storeKey(key), got.bytes, contentType);
  await deps.db
    .updateTable("remote_media")
    .set({
      cached: 1,
      content_type: contentType,
      size: got.bytes.byteLength,
      fetched_at: now,
      last_used_at: now,
      failed_at: null,
    })
    .where("key", "=", key)
    .execute();
  return { bytes: got.bytes, contentType };
}

export interface PruneLimits {
  maxBytes: number;
  maxAgeDays: number;
}

export interface PruneResult {
  removed: number;
  freedBytes: number;
  /** What stays cached. */
  keptObjects: number;
  keptBytes: number;
}

/** Drops cached objects unused for maxAgeDays, then the least recently used until under maxBytes. */
export async function pruneRemoteMedia(
  deps: Pick<RemoteMediaDeps, "db" | "media" | "clock">,
  limits: PruneLimits,
): Promise<PruneResult> {
  const cutoff = new Date(
    deps.clock.now().getTime() - limits.maxAgeDays * 86_400_000,
  ).toISOString();
  const store = mediaStore(deps.media);
  let removed = 0;
  let freedBytes = 0;
  const drop = async (rows: { key: string; size: number | string }[]) => {
    for (const r of rows) {
      await store.delete(storeKey(r.key));
      await deps.db
        .updateTable("remote_media")
        .set({ cached: 0, size: 0, content_type: null })
        .where("key", "=", r.key)
        .execute();
      removed++;
      freedBytes += Number(r.size);
    }
  };
  // A crash between the two writes leaves a row that says cached over a missing
  // object; remoteMediaObject then fetches it again, so nothing is ever lost.
  for (;;) {
    const old = await deps.db
      .selectFrom("remote_media")
      .select(["key", "size"])
      .where("cached", "=", 1)
      .where("last_used_at", "<", cutoff)
      .limit(500)
      .execute();
    if (old.length === 0) break;
    await drop(old);
  }
  const total = async () => {
    const t = await deps.db
      .selectFrom("remote_media")
      .select([
        (eb) => eb.fn.countAll<number>().as("n"),
        (eb) => eb.fn.sum<number>("size").as("bytes"),
      ])
      .where("cached", "=", 1)
      .executeTakeFirstOrThrow();
    return { n: Number(t.n), bytes: Number(t.bytes ?? 0) };
  };
  let kept = await total();
  while (kept.bytes > limits.maxBytes) {
    const lru = await deps.db
      .selectFrom("remote_media")
      .select(["key", "size"])
      .where("cached", "=", 1)
      .orderBy("last_used_at", "asc")
      .orderBy("key")
      .limit(100)
      .execute();
    let over = kept.bytes - limits.maxBytes;
    const batch: typeof lru = [];
    for (const r of lru) {
      if (over <= 0) break;
      batch.push(r);
      over -= Number(r.size);
    }
    if (batch.length === 0) break;
    await drop(batch);
    kept = await total();
  }
  return { removed, freedBytes, keptObjects: kept.n, keptBytes: kept.bytes };
}
