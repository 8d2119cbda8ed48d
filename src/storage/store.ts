/**
 * Where media bytes live: the data dir's `media/` (the default) or an
 * S3-compatible bucket (SYNCO_S3_*, s3-store.ts). Everything that stores or
 * reads media (uploads, the remote media cache) goes through a MediaStore, so
 * one setting moves them all. Keys are relative paths made by the code, never
 * by a client: `ab/<sha256>.webp` for uploads, `remote/ab/<sha256>` for the
 * cache; `isMediaKey` is the one check every backend applies.
 *
 * The store is made once per Config object (a WeakMap), so every part of a node
 * that has the config shares one store, and the S3 client is loaded only by a
 * node that uses S3.
 */
import { randomUUID } from "node:crypto";
import { access, mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { S3Settings } from "../config.ts";

export interface MediaStore {
  /** "local" or "s3", for logs and the docs' checks. */
  readonly kind: "local" | "s3";
  /** Stores bytes under a key; an existing key is overwritten with the same bytes' meaning. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The bytes, or undefined when there is no such object. */
  get(key: string): Promise<Uint8Array | undefined>;
  has(key: string): Promise<boolean>;
  /** Removes the object; a missing one is not an error. */
  delete(key: string): Promise<void>;
}

/** Keys the code makes: uploads `ab/<64 hex>.webp`, the cache `remote/ab/<64 hex>`. */
export function isMediaKey(key: string): boolean {
  return /^(remote\/)?[0-9a-f]{2}\/[0-9a-f]{64}(\.webp)?$/.test(key);
}

function checked(key: string): string {
  if (!isMediaKey(key)) throw new Error(`Not a media key: ${JSON.stringify(key)}`);
  return key;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Files under DATA_DIR/media, written to a temporary name first so a crash leaves no half file. */
export class LocalMediaStore implements MediaStore {
  readonly kind = "local";
  readonly #root: string;

  constructor(dataDir: string) {
    this.#root = join(dataDir, "media");
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const target = join(this.#root, checked(key));
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.${randomUUID()}.tmp`;
    await writeFile(tmp, bytes, { flag: "wx" });
    try {
      await rename(tmp, target);
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      if (!(await exists(target))) throw error;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    if (!isMediaKey(key)) return undefined;
    try {
      return await readFile(join(this.#root, key));
    } catch {
      return undefined;
    }
  }

  has(key: string): Promise<boolean> {
    return isMediaKey(key) ? exists(join(this.#root, key)) : Promise.resolve(false);
  }

  async delete(key: string): Promise<void> {
    await unlink(join(this.#root, checked(key))).catch(() => undefined);
  }
}

/** What picks the store: a node's Config, or just a data dir (tests, commands). */
export interface MediaConfig {
  dataDir: string;
  s3?: S3Settings | null | undefined;
}

const stores = new WeakMap<MediaConfig, MediaStore>();

/** The node's store: S3 when configured, else the data dir. One per config object. */
export function mediaStore(config: MediaConfig): MediaStore {
  let store = stores.get(config);
  if (!store) {
    store = config.s3 ? new LazyS3Store(config.s3) : new LocalMediaStore(config.dataDir);
    stores.set(config, store);
  }
  return store;
}

/** Loads the AWS SDK (several MB) on first use only. */
class LazyS3Store implements MediaStore {
  readonly kind = "s3";
  #inner: Promise<MediaStore> | undefined;
  readonly #settings: S3Settings;

  constructor(settings: S3Settings) {
    this.#settings = settings;
  }

  #store(): Promise<MediaStore> {
    this.#inner ??= import("./s3-store.ts").then(
      ({ S3MediaStore }) => new S3MediaStore(this.#settings),
    );
    return this.#inner;
  }

  async put(key: string, bytes: Uint8Array, contentType: string) {
    return (await this.#store()).put(checked(key), bytes, contentType);
  }
  async get(key: string) {
    return isMediaKey(key) ? (await this.#store()).get(key) : undefined;
  }
  async has(key: string) {
    return isMediaKey(key) ? (await this.#store()).has(key) : false;
  }
  async delete(key: string) {
    return (await this.#store()).delete(checked(key));
  }
}
