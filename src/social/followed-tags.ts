/**
 * Hashtags a member follows (Mastodon's followed tags): public posts with one of
 * them enter the member's home feed as they are written or arrive (fanout.ts),
 * unless the member blocked or muted the author.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import type { Clock } from "../kernel/clock.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";

/** How many hashtags one member may follow. */
export const MAX_FOLLOWED_TAGS = 500;

const TAG = /^[\p{L}\p{N}_]{1,100}$/u;

/** A hashtag as kept: lower-cased, without '#'; null when it is not a hashtag. */
export function normalTag(name: string): string | null {
  const tag = name.replace(/^#/, "").toLowerCase();
  return TAG.test(tag) ? tag : null;
}

export async function followTag(
  db: Kysely<Schema>,
  accountId: string,
  name: string,
  clock: Clock,
): Promise<Result<{ tag: string }, "invalid" | "too-many">> {
  const tag = normalTag(name);
  if (!tag) return fail("invalid");
  return db.transaction().execute(async (trx) => {
    const count = await trx
      .selectFrom("followed_tags")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("account_id", "=", accountId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_FOLLOWED_TAGS) return fail("too-many" as const);
    await trx
      .insertInto("followed_tags")
      .values({ account_id: accountId, tag, created_at: clock.now().toISOString() })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return ok({ tag });
  });
}

export async function unfollowTag(db: Kysely<Schema>, accountId: string, name: string) {
  const tag = normalTag(name);
  if (tag)
    await db
      .deleteFrom("followed_tags")
      .where("account_id", "=", accountId)
      .where("tag", "=", tag)
      .execute();
  return tag;
}

/** The member's followed tags, by name, `limit` after the cursor (a tag name). */
export function followedTags(
  db: Kysely<Schema>,
  accountId: string,
  page: { after?: string | undefined; limit: number },
) {
  return db
    .selectFrom("followed_tags")
    .select(["tag", "created_at"])
    .where("account_id", "=", accountId)
    .$if(page.after !== undefined, (q) => q.where("tag", ">", page.after as string))
    .orderBy("tag")
    .limit(page.limit)
    .execute();
}

/** Which of these tags the member follows. */
export async function followingTags(
  db: Kysely<Schema>,
  accountId: string,
  tags: string[],
): Promise<Set<string>> {
  if (tags.length === 0) return new Set();
  const rows = await db
    .selectFrom("followed_tags")
    .select("tag")
    .where("account_id", "=", accountId)
    .where("tag", "in", tags)
    .execute();
  return new Set(rows.map((r) => r.tag));
}
