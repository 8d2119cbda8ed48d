/**
 * Fedify's KvStore on our database, so caches, idempotence records and keys
 * survive restarts and are shared by every process of a node, on either dialect.
 * Keys are stored as their JSON text, which makes prefix listing a string prefix.
 */
import { isDeepStrictEqual } from "node:util";
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../kernel/clock.ts";
import { systemClock } from "../../kernel/clock.ts";
import { durationMs } from "./duration.ts";

const encodeKey = (key: KvKey) => JSON.stringify(key);

export class DatabaseKvStore implements KvStore {
  readonly #db: Db["db"];
  readonly #lockRows: boolean;
  readonly #clock: Clock;

  constructor(handle: Pick<Db, "db" | "dialect">, clock: Clock = systemClock) {
    this.#db = handle.db;
    this.#lockRows = handle.dialect === "postgres";
    this.#clock = clock;
  }

  #expiry(options?: KvStoreSetOptions): string | null {
    const ms = durationMs(options?.ttl);
    return ms > 0 ? new Date(this.#clock.now().getTime() + ms).toISOString() : null;
  }

  #live(expiresAt: string | null): boolean {
    return expiresAt === null || expiresAt > this.#clock.now().toISOString();
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const row = await this.#db
      .selectFrom("kv")
      .select(["value", "expires_at"])
      .where("key", "=", encodeKey(key))
      .executeTakeFirst();
    return row && this.#live(row.expires_at) ? (JSON.parse(row.value) as T) : undefined;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    const row = {
      key: encodeKey(key),
      value: JSON.stringify(value),
      expires_at: this.#expiry(options),
    };
    await this.#db
      .insertInto("kv")
      .values(row)
      .onConflict((oc) =>
        oc.column("key").doUpdateSet({ value: row.value, expires_at: row.expires_at }),
      )
      .execute();
  }

  async delete(key: KvKey): Promise<void> {
    await this.#db.deleteFrom("kv").where("key", "=", encodeKey(key)).execute();
  }

  /** Compare-and-swap under a row lock (PostgreSQL) or the single connection (SQLite). */
  async cas(
    key: KvKey,
    expected: unknown,
    next: unknown,
    options?: KvStoreSetOptions,
  ): Promise<boolean> {
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
