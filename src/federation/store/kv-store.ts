/**
 * Fedify's KvStore on our database, so caches, idempotence records and keys
 * survive restarts and are shared by every process of a node, on either dialect.
 * Keys are stored as their JSON text, which makes prefix listing a string prefix.
 */
import { isDeepStrictEqual } from "node:util";
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../kernel/clock.ts";
import { systemClock } from "../../kernel/clock.ts";
import { durationMs } from "./duration.ts";

const encodeKey = (key: KvKey) => JSON.stringify(key);

export interface KvStoreOptions {
  /**
   * Keys whose values may also be kept in this process's memory: caches of remote
   * documents and keys, read on every inbox request. Others always go to the database,
   * which all processes share (idempotence records, compare-and-swap state).
   */
  memoize?: (key: KvKey) => boolean;
  /** Keys this store does not keep: reads find nothing, writes are dropped. */
  ignore?: (key: KvKey) => boolean;
}

const MEMORY_ENTRIES = 5_000;

export class DatabaseKvStore implements KvStore {
  readonly #db: Db["db"];
  readonly #lockRows: boolean;
  readonly #clock: Clock;
  readonly #memoize: (key: KvKey) => boolean;
  readonly #ignore: (key: KvKey) => boolean;
  readonly #memory = new Map<string, { value: unknown; expiresAt: string | null }>();

  constructor(
    handle: Pick<Db, "db" | "dialect">,
    clock: Clock = systemClock,
    options: KvStoreOptions = {},
  ) {
    this.#db = handle.db;
    this.#lockRows = handle.dialect === "postgres";
    this.#clock = clock;
    this.#memoize = options.memoize ?? (() => false);
    this.#ignore = options.ignore ?? (() => false);
  }

  #remember(key: string, value: unknown, expiresAt: string | null): void {
    if (this.#memory.size >= MEMORY_ENTRIES) this.#memory.clear();
    this.#memory.set(key, { value, expiresAt });
  }

  #expiry(options?: KvStoreSetOptions): string | null {
    const ms = durationMs(options?.ttl);
    return ms > 0 ? new Date(this.#clock.now().getTime() + ms).toISOString() : null;
  }

  #live(expiresAt: string | null): boolean {
    return expiresAt === null || expiresAt > this.#clock.now().toISOString();
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    if (this.#ignore(key)) return undefined;
    const k = encodeKey(key);
    const memoize = this.#memoize(key);
    if (memoize) {
      const hit = this.#memory.get(k);
      if (hit && this.#live(hit.expiresAt)) return hit.value as T;
    }
    // Plain SQL for the two statements every inbox activity runs (idempotence records):
    // building and compiling Kysely's query tree costs more than the statement.
    const { rows } = await sql<{ value: string; expires_at: string | null }>`
      select value, expires_at from kv where key = ${k}`.execute(this.#db);
    const row = rows[0];
    if (!row || !this.#live(row.expires_at)) return undefined;
    const value = JSON.parse(row.value) as T;
    if (memoize) this.#remember(k, value, row.expires_at);
    return value;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    if (this.#ignore(key)) return;
    const row = {
      key: encodeKey(key),
      value: JSON.stringify(value),
      expires_at: this.#expiry(options),
    };
    if (this.#memoize(key)) this.#remember(row.key, JSON.parse(row.value), row.expires_at);
    else this.#memory.delete(row.key);
    await sql`
      insert into kv (key, value, expires_at) values (${row.key}, ${row.value}, ${row.expires_at})
      on conflict (key) do update set value = excluded.value, expires_at = excluded.expires_at`.execute(
      this.#db,
    );
  }

  async delete(key: KvKey): Promise<void> {
    this.#memory.delete(encodeKey(key));
    await this.#db.deleteFrom("kv").where("key", "=", encodeKey(key)).execute();
  }

  /** Compare-and-swap under a row lock (PostgreSQL) or the single connection (SQLite). */
  async cas(
    key: KvKey,
    expected: unknown,
    next: unknown,
    options?: KvStoreSetOptions,
  ): Promise<boolean> {
    this.#memory.delete(encodeKey(key));
    return this.#db.transaction().execute(async (trx) => {
      const k = encodeKey(key);
      let query = trx.selectFrom("kv").select(["value", "expires_at"]).where("key", "=", k);
      if (this.#lockRows) query = query.forUpdate();
      const row = await query.executeTakeFirst();
      const current = row && this.#live(row.expires_at) ? JSON.parse(row.value) : undefined;
      if (!isDeepStrictEqual(current, expected)) return false;
      const value = { key: k, value: JSON.stringify(next), expires_at: this.#expiry(options) };
      await trx
        .insertInto("kv")
        .values(value)
        .onConflict((oc) =>
          oc.column("key").doUpdateSet({ value: value.value, expires_at: value.expires_at }),
        )
        .execute();
      return true;
    });
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    let query = this.#db.selectFrom("kv").select(["key", "value", "expires_at"]).orderBy("key");
    if (prefix) {
      const exact = encodeKey(prefix);
      const start = `${exact.slice(0, -1)},`;
      query = query.where((eb) =>
        eb.or([
          eb("key", "=", exact),
          eb(eb.fn("substr", ["key", eb.lit(1), eb.lit(start.length)]), "=", start),
        ]),
      );
    }
    for (const row of await query.execute()) {
      if (this.#live(row.expires_at))
        yield { key: JSON.parse(row.key) as KvKey, value: JSON.parse(row.value) };
    }
  }

  /** Removes expired entries; the worker calls this now and then. */
  async sweep(): Promise<number> {
    const result = await this.#db
      .deleteFrom("kv")
      .where("expires_at", "<=", this.#clock.now().toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
