/**
 * Posts a member's filter matches by themselves, whatever they say (Mastodon's
 * filter statuses), capped per filter (keyword-filters.ts keeps the rest).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { type FilterProblem, MAX_STATUSES_PER_FILTER, ownFilter } from "./keyword-filters.ts";

type Db = Kysely<Schema>;

/** A post a filter matches by itself (Mastodon's filter statuses). */
export async function addFilterStatus(
  db: Db,
  accountId: string,
  filterId: string,
  postId: string,
): Promise<Result<{ id: string }, FilterProblem>> {
  return db.transaction().execute(async (trx) => {
    if (!(await ownFilter(trx, accountId, filterId))) return fail("not-found" as const);
    const post = await trx
      .selectFrom("posts")
      .select("id")
      .where("id", "=", postId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!post) return fail("post-not-found" as const);
    const existing = await trx
      .selectFrom("filter_statuses")
      .select("id")
      .where("filter_id", "=", filterId)
      .where("post_id", "=", postId)
      .executeTakeFirst();
    if (existing) return ok({ id: existing.id });
    const count = await trx
      .selectFrom("filter_statuses")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("filter_id", "=", filterId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_STATUSES_PER_FILTER) return fail("too-many-statuses" as const);
    const id = newId();
    await trx
      .insertInto("filter_statuses")
      .values({ id, filter_id: filterId, post_id: postId })
      .execute();
    return ok({ id });
  });
}

export async function filterStatus(db: Db, accountId: string, id: string) {
  const row = await db
    .selectFrom("filter_statuses as s")
    .innerJoin("keyword_filters as f", "f.id", "s.filter_id")
    .select(["s.id", "s.filter_id", "s.post_id"])
    .where("s.id", "=", id)
    .where("f.account_id", "=", accountId)
    .executeTakeFirst();
  return row ?? null;
}

export async function removeFilterStatus(db: Db, accountId: string, id: string): Promise<boolean> {
  if (!(await filterStatus(db, accountId, id))) return false;
  await db.deleteFrom("filter_statuses").where("id", "=", id).execute();
  return true;
}
