/**
 * The home feed is written when a post is made or arrives (fan-out on write):
 * one home_entries row per member who should see it — the author's accepted
 * local followers (not for direct messages), the members it mentions, a local
 * author, and members following one of a public post's hashtags. Reading a home
 * page is then one range scan of a primary key, however many posts the database
 * holds (bench/social.bench.ts).
 */
import type { Kysely } from "kysely";
import type { Visibility } from "../db/schema/social.ts";
import type { Schema } from "../db/schema.ts";

export async function fanOut(
  trx: Kysely<Schema>,
  post: {
    id: string;
    authorUri: string;
    authorAccountId: string | null;
    visibility: Visibility;
    mentionedAccountIds: string[];
  },
): Promise<void> {
  const direct = new Set(post.mentionedAccountIds);
  if (post.authorAccountId) direct.add(post.authorAccountId);
  if (post.visibility !== "direct") {
    await trx
      .insertInto("home_entries")
      .columns(["account_id", "post_id"])
      .expression(
        (eb) =>
          eb
            .selectFrom("follows")
            .select((s) => [
              "follows.follower_account_id as account_id",
              s.val(post.id).as("post_id"),
            ])
            .where("followee_uri", "=", post.authorUri)
            .where("status", "=", "accepted")
            .where("follower_account_id", "is not", null)
            // A member who blocked or muted the author does not get it.
            .where((w) =>
              w.not(
                w.exists(
                  w
                    .selectFrom("actor_filters")
                    .select("actor_filters.kind")
                    .whereRef("actor_filters.account_id", "=", "follows.follower_account_id")
                    .where("actor_filters.target_uri", "=", post.authorUri),
                ),
              ),
            ) as never,
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  // Members following one of a public post's hashtags (followed-tags.ts); its tags are written by now.
  if (post.visibility === "public")
    await trx
      .insertInto("home_entries")
      .columns(["account_id", "post_id"])
      .expression(
        (eb) =>
          eb
            .selectFrom("followed_tags as ft")
            .innerJoin("post_tags as pt", "pt.tag", "ft.tag")
            .select((s) => ["ft.account_id as account_id", s.val(post.id).as("post_id")])
            .distinct()
            .where("pt.post_id", "=", post.id)
            .where((w) =>
              w.not(
                w.exists(
                  w
                    .selectFrom("actor_filters")
                    .select("actor_filters.kind")
                    .whereRef("actor_filters.account_id", "=", "ft.account_id")
                    .where("actor_filters.target_uri", "=", post.authorUri),
                ),
              ),
            ) as never,
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  for (const accountId of direct) {
    await trx
      .insertInto("home_entries")
      .values({ account_id: accountId, post_id: post.id })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/**
 * After an unfollow: the author's posts leave the member's home feed (as on
 * Mastodon), except those that mention the member.
 */
export async function dropFromHome(
  trx: Kysely<Schema>,
  accountId: string,
  authorUri: string,
): Promise<void> {
  await trx
    .deleteFrom("home_entries")
    .where("account_id", "=", accountId)
    .where("post_id", "in", (eb) =>
      eb
        .selectFrom("posts")
        .select("posts.id")
        .where("posts.author_uri", "=", authorUri)
        .where((w) =>
          w.not(
            w.exists(
              w
                .selectFrom("post_mentions")
                .select("post_mentions.post_id")
                .whereRef("post_mentions.post_id", "=", "posts.id")
                .where("post_mentions.account_id", "=", accountId),
            ),
          ),
        ),
    )
    .execute();
}

/**
 * After a follow is accepted: the author's latest posts that followers may see,
 * and that this node already holds, enter the member's home feed (as Mastodon
 * merges them in), so a new follow does not start from an empty page.
 */
export async function backfillHome(
  db: Kysely<Schema>,
  accountId: string,
  authorUri: string,
  limit = 20,
): Promise<void> {
  const recent = await db
    .selectFrom("posts")
    .select("id")
    .where("author_uri", "=", authorUri)
    .where("visibility", "in", ["public", "unlisted", "followers"])
    .where("deleted_at", "is", null)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  if (recent.length === 0) return;
  await db
    .insertInto("home_entries")
    .values(recent.map((p) => ({ account_id: accountId, post_id: p.id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}
