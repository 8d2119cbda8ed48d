/**
 * The social area's part of a member's export and of account deletion
 * (AccountDataContributor, src/accounts/data.ts). Deletion erases the member's
 * posts (with their media rows, tags, mentions, polls, and others' boosts of
 * them), likes, boosts, votes, bookmarks, pins, blocks, mutes and notifications.
 * Other servers learn of it from Delete(Person), after which Mastodon removes all
 * of an actor's content. Follows are the federation area's (its own contributor
 * exports them and the relay removes them once the Delete is queued).
 */
import type { Kysely } from "kysely";
import type { AccountDataContributor } from "../accounts/data.ts";
import type { Schema } from "../db/schema.ts";
import { mediaUrl } from "../storage/images.ts";
import { bumpCount } from "./counters.ts";

async function exportSocial(db: Kysely<Schema>, accountId: string) {
  const posts = await db
    .selectFrom("posts")
    .leftJoin("posts as o", "o.id", "posts.reblog_of_id")
    .select([
      "posts.id",
      "posts.uri",
      "posts.visibility",
      "posts.source",
      "posts.content_html",
      "posts.spoiler",
      "posts.sensitive",
      "posts.in_reply_to_uri",
      "posts.created_at",
      "posts.edited_at",
      "posts.deleted_at",
      "posts.kind",
      "posts.title",
      "posts.audience_uri as group",
      "o.uri as boost_of",
    ])
    .where("posts.author_account_id", "=", accountId)
    .orderBy("posts.id")
    .execute();
  const ids = posts.map((p) => p.id);
  const media = ids.length
    ? await db
        .selectFrom("post_media")
        .innerJoin("uploads", "uploads.id", "post_media.upload_id")
        .select([
          "post_media.post_id",
          "uploads.path",
          "post_media.description",
          "post_media.media_type",
        ])
        .where("post_media.post_id", "in", ids)
        .execute()
    : [];
  const edits = ids.length
    ? await db
        .selectFrom("post_edits")
        .select(["post_id", "source", "content_html", "spoiler", "sensitive", "created_at"])
        .where("post_id", "in", ids)
        .orderBy("id")
        .execute()
    : [];
  const polls = ids.length
    ? await db.selectFrom("polls").selectAll().where("post_id", "in", ids).execute()
    : [];
  const postUris = async (rows: { post_id: string; created_at: string }[]) => {
    if (rows.length === 0) return [];
    const uris = await db
      .selectFrom("posts")
      .select(["id", "uri"])
      .where(
        "id",
        "in",
        rows.map((r) => r.post_id),
      )
      .execute();
    return rows.map((r) => ({
      uri: uris.find((u) => u.id === r.post_id)?.uri ?? null,
      created_at: r.created_at,
    }));
  };
  const own = (table: "likes" | "bookmarks" | "pins") =>
    db
      .selectFrom(table)
      .select(["post_id", "created_at"])
      .where("account_id", "=", accountId)
      .execute();
  const votes = await db
    .selectFrom("poll_votes")
    .innerJoin("posts", "posts.id", "poll_votes.post_id")
    .innerJoin("polls", "polls.post_id", "posts.id")
    .select(["posts.uri", "poll_votes.choice", "polls.options", "poll_votes.created_at"])
    .where("poll_votes.account_id", "=", accountId)
    .execute();
  return {
    posts: posts
      .filter((p) => !p.boost_of)
      .map(({ boost_of: _, ...p }) => ({
        ...p,
        sensitive: p.sensitive === 1,
        media: media
          .filter((m) => m.post_id === p.id)
          .map((m) => ({
            url: mediaUrl(m.path),
            description: m.description,
            mediaType: m.media_type,
          })),
        earlier_versions: edits
          .filter((e) => e.post_id === p.id)
          .map(({ post_id: _, ...e }) => ({ ...e, sensitive: e.sensitive === 1 })),
        poll: polls.find((x) => x.post_id === p.id)
          ? {
              options: JSON.parse(
                polls.find((x) => x.post_id === p.id)?.options ?? "[]",
              ) as unknown,
            }
          : null,
      })),
    boosts: posts
      .filter((p) => p.boost_of)
      .map((p) => ({ of: p.boost_of, created_at: p.created_at })),
    likes: await postUris(await own("likes")),
    bookmarks: await postUris(await own("bookmarks")),
    pins: await postUris(await own("pins")),
    votes: votes.map((v) => ({
      poll: v.uri,
      choice: (JSON.parse(v.options) as { title: string }[])[v.choice]?.title ?? v.choice,
      created_at: v.created_at,
    })),
    filters: await db
      .selectFrom("actor_filters")
      .select(["target_uri", "kind", "created_at"])
      .where("account_id", "=", accountId)
      .execute(),
    notifications: await db
      .selectFrom("notifications")
      .select(["type", "from_uri", "post_id", "subject_id", "created_at"])
      .where("account_id", "=", accountId)
      .orderBy("id")
      .execute(),
    followed_tags: await db
      .selectFrom("followed_tags")
      .select(["tag", "created_at"])
      .where("account_id", "=", accountId)
      .orderBy("tag")
      .execute(),
    keyword_filters: await Promise.all(
      (
        await db
          .selectFrom("keyword_filters")
          .select(["id", "title", "context", "action", "expires_at", "created_at"])
          .where("account_id", "=", accountId)
          .orderBy("id")
          .execute()
      ).map(async (f) => ({
        title: f.title,
        context: JSON.parse(f.context) as string[],
        action: f.action,
        expires_at: f.expires_at,
        created_at: f.created_at,
        keywords: await db
          .selectFrom("filter_keywords")
          .select(["keyword", "whole_word"])
          .where("filter_id", "=", f.id)
          .execute(),
      })),
    ),
  };
}

async function eraseSocial(trx: Kysely<Schema>, accountId: string) {
  const own = trx.selectFrom("posts").select("id").where("author_account_id", "=", accountId);
  const boostsOfOwn = trx.selectFrom("posts").select("id").where("reblog_of_id", "in", own);
  // Counts on others' posts the member liked or boosted go down by one.
  const liked = await trx
    .selectFrom("likes")
    .select("post_id")
    .where("account_id", "=", accountId)
    .execute();
  for (const l of liked) await bumpCount(trx, l.post_id, "likes_count", -1);
  const boosted = await trx
    .selectFrom("posts")
    .select("reblog_of_id")
    .where("author_account_id", "=", accountId)
    .where("reblog_of_id", "is not", null)
    .execute();
  for (const b of boosted)
    if (b.reblog_of_id) await bumpCount(trx, b.reblog_of_id, "reblogs_count", -1);
  for (const table of [
    "home_entries",
    "post_media",
    "post_edits",
    "post_tags",
    "post_mentions",
    "poll_votes",
    "polls",
    "likes",
    "bookmarks",
    "pins",
    "notifications",
  ] as const) {
    await trx.deleteFrom(table).where("post_id", "in", boostsOfOwn).execute();
    await trx.deleteFrom(table).where("post_id", "in", own).execute();
  }
  await trx
    .updateTable("posts")
    .set({ in_reply_to_id: null })
    .where("in_reply_to_id", "in", own)
    .execute();
  await trx.deleteFrom("posts").where("id", "in", boostsOfOwn).execute();
  await trx.deleteFrom("posts").where("author_account_id", "=", accountId).execute();
  await trx.deleteFrom("likes").where("account_id", "=", accountId).execute();
  await trx.deleteFrom("poll_votes").where("account_id", "=", accountId).execute();
  await trx.deleteFrom("bookmarks").where("account_id", "=", accountId).execute();
  await trx.deleteFrom("pins").where("account_id", "=", accountId).execute();
  await trx.deleteFrom("home_entries").where("account_id", "=", accountId).execute();
  await trx
    .deleteFrom("notifications")
    .where((eb) => eb.or([eb("account_id", "=", accountId), eb("from_account_id", "=", accountId)]))
    .execute();
  await trx.deleteFrom("actor_filters").where("account_id", "=", accountId).execute();
  const ownFilters = trx
    .selectFrom("keyword_filters")
    .select("id")
    .where("account_id", "=", accountId);
  await trx.deleteFrom("filter_keywords").where("filter_id", "in", ownFilters).execute();
  await trx.deleteFrom("filter_statuses").where("filter_id", "in", ownFilters).execute();
  await trx.deleteFrom("keyword_filters").where("account_id", "=", accountId).execute();
  await trx.deleteFrom("followed_tags").where("account_id", "=", accountId).execute();
  await trx.deleteFrom("notification_policies").where("account_id", "=", accountId).execute();
  await trx.deleteFrom("post_mentions").where("account_id", "=", accountId).execute();
  // Reports the member made stay with the moderators, without their name.
  await trx
    .updateTable("reports")
    .set({ reporter_account_id: null })
    .where("reporter_account_id", "=", accountId)
    .execute();
}

export const socialContributor: AccountDataContributor = {
  name: "social",
  export: exportSocial,
  erase: eraseSocial,
};
