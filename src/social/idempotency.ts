/**
 * Apps' Idempotency-Key (Mastodon's): a post's writing transaction runs under the
 * author's key, so a retry answers the post the first try made instead of posting
 * again, and of concurrent retries exactly one writes.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { ok, type Result } from "../kernel/errors.ts";
import type { SocialContext } from "./context.ts";

export interface CreatePostOptions {
  /**
   * An app's Idempotency-Key, scoped to the author: a retry with the same key
   * answers the post the first try made (for a day) instead of posting again.
   */
  readonly idempotencyKey?: string | undefined;
}

/**
 * Runs a post's writing transaction under the author's Idempotency-Key, if any:
 * a retry answers the post the first try made, and of concurrent retries one
 * writes while the others roll back and answer it. createPost's rule, shared
 * with writers that add their own checks (a group's posts, groups/threads.ts);
 * `again` reads what the caller answers for a post already written.
 */
export async function writeOnce<T extends { id: string }, P extends string>(
  s: SocialContext,
  authorId: string,
  options: CreatePostOptions,
  write: (trx: Kysely<Schema>) => Promise<Result<T, P>>,
  again: (db: Kysely<Schema>, id: string) => Promise<T> = async (_, id) => ({ id }) as T,
): Promise<Result<T, P>> {
  const key = options.idempotencyKey;
  return s.db
    .transaction()
    .execute(async (trx) => {
      const earlier = key ? await postForKey(trx, authorId, key, s.clock.now()) : undefined;
      if (earlier) return ok(await again(trx, earlier));
      const written = await write(trx);
      if (
        written.ok &&
        key &&
        !(await claimKey(trx, authorId, key, written.value.id, s.clock.now()))
      )
        throw new KeyTaken();
      return written;
    })
    .catch(async (error: unknown) => {
      // A concurrent retry with the same key won: this one's post was rolled back; answer the winner's.
      const winner =
        error instanceof KeyTaken && key && (await postForKey(s.db, authorId, key, s.clock.now()));
      if (winner) return ok(await again(s.db, winner));
      throw error;
    });
}

/** Keys only need to outlive an app's retries: a day is plenty. */
const KEY_LIFETIME_MS = 24 * 3600_000;

/** Thrown to roll back a post whose Idempotency-Key another transaction took first. */
class KeyTaken extends Error {}

/** The post a member's key already made, if the key is younger than a day. */
async function postForKey(db: Kysely<Schema>, accountId: string, key: string, now: Date) {
  const row = await db
    .selectFrom("idempotency_keys")
    .select("status_id")
    .where("account_id", "=", accountId)
    .where("key", "=", key)
    .where("created_at", ">=", new Date(now.getTime() - KEY_LIFETIME_MS).toISOString())
    .executeTakeFirst();
  return row?.status_id;
}

/**
 * Ties the key to the post just written, in its transaction; false when the key
 * is taken. The primary key (account_id, key) decides between concurrent
 * retries: on PostgreSQL a second insert waits for the first transaction and,
 * once it commits, does nothing (createPost then rolls back and answers the
 * first post); SQLite runs the transactions one at a time, so a retry finds the
 * key in postForKey before writing anything.
 */
async function claimKey(
  trx: Kysely<Schema>,
  accountId: string,
  key: string,
  postId: string,
  now: Date,
): Promise<boolean> {
  await trx
    .deleteFrom("idempotency_keys")
    .where("account_id", "=", accountId)
    .where("created_at", "<", new Date(now.getTime() - KEY_LIFETIME_MS).toISOString())
    .execute();
  const claimed = await trx
    .insertInto("idempotency_keys")
    .values({ account_id: accountId, key, status_id: postId, created_at: now.toISOString() })
    .onConflict((oc) => oc.columns(["account_id", "key"]).doNothing())
    .returning("status_id")
    .executeTakeFirst();
  return claimed !== undefined;
}
