/**
 * Read-only helpers the client API needs beyond what the pages use: mentions,
 * hashtags and media ids of posts, who a reply answers, who liked or boosted,
 * and newer-than-cursor reads of notifications (since_id / min_id).
 * Additive only: nothing here changes how the social capability behaves.
 */
import type { Kysely } from "kysely";
import { prepared } from "../db/prepared.ts";
import type { Schema } from "../db/schema.ts";
import { type ViewerRef, visibleTo } from "./visibility.ts";

// Read for every page of statuses: built and compiled once (db/prepared.ts).
const mentionsQuery = prepared((db, a: { ids: readonly string[] }) =>
  db
    .selectFrom("post_mentions")
    .select(["post_id", "actor_uri", "account_id", "remote_id", "handle"])
    .where("post_id", "in", a.ids)
    .where("silent", "=", 0),
);
const tagsQuery = prepared((db, a: { ids: readonly string[] }) =>
  db.selectFrom("post_tags").select(["post_id", "tag"]).where("post_id", "in", a.ids),
);
const authorsQuery = prepared((db, a: { ids: readonly string[] }) =>
  db.selectFrom("posts").select(["id", "author_uri"]).where("id", "in", a.ids),
);

export function mentionsOf(db: Kysely<Schema>, postIds: string[]) {
  if (postIds.length === 0) return Promise.resolve([]);
  return mentionsQuery(db, { ids: postIds });
}

export function tagsOf(db: Kysely<Schema>, postIds: string[]) {
  if (postIds.length === 0) return Promise.resolve([]);
  return tagsQuery(db, { ids: postIds });
}

export const mediaQuery = prepared((db, a: { ids: readonly string[] }) =>
  db
    .selectFrom("post_media as m")
    .leftJoin("uploads as u", "u.id", "m.upload_id")
    .select([
      "m.id",
      "m.post_id",
      "m.upload_id",
      "m.remote_url",
      "u.path",
      "m.media_type",
      "m.description",
      "m.width",
      "m.height",
      "m.focus",
    ])
    .where("m.post_id", "in", a.ids)
    .orderBy("m.position"),
);

export function mediaOf(db: Kysely<Schema>, postIds: string[]) {
  if (postIds.length === 0) return Promise.resolve([]);
  return mediaQuery(db, { ids: postIds });
}

/** Author URIs of posts (for in_reply_to_account_id). */
export function authorsOf(db: Kysely<Schema>, postIds: string[]) {
  if (postIds.length === 0) return Promise.resolve([]);
  return authorsQuery(db, { ids: postIds });
}

/** Actor URIs that liked a post, newest first. */
export function likersOf(db: Kysely<Schema>, postId: string, limit: number) {
  return db
    .selectFrom("likes")
    .select(["id", "actor_uri"])
    .where("post_id", "=", postId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** Actor URIs that boosted a post, newest first. */
export function boostersOf(db: Kysely<Schema>, postId: string, limit: number) {
  return db
    .selectFrom("posts")
    .select(["id", "author_uri"])
    .where("reblog_of_id", "=", postId)
    .where("deleted_at", "is", null)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/**
 * Hashtags that start with the query, with how many posts carry each — counting
 * only posts the viewer may see (visibility.ts), so a tag used only in someone
 * else's direct or followers-only posts is neither listed nor counted.
 */
export function searchTags(
  db: Kysely<Schema>,
  viewer: ViewerRef | null,
  prefix: string,
  limit: number,
) {
  return db
    .selectFrom("post_tags as t")
    .innerJoin("posts as p", "p.id", "t.post_id")
    .select(["t.tag", (eb) => eb.fn.countAll<number>().as("uses")])
    .where("t.tag", "like", `${prefix.toLowerCase().replace(/[%_\\]/g, "")}%`)
    .where(visibleTo(viewer))
    .groupBy("t.tag")
    .orderBy("uses", "desc")
    .orderBy("t.tag")
    .limit(limit)
    .execute();
}

/** A post by its URI or URL (for search with resolve, and for remote ids). */
export function postByUri(db: Kysely<Schema>, uri: string) {
  return db
    .selectFrom("posts")
    .select("id")
    .where((eb) => eb.or([eb("uri", "=", uri), eb("url", "=", uri)]))
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

/** Dismisses one notification of a member; false when there is none with that id. */
export async function dismissNotification(db: Kysely<Schema>, accountId: string, id: string) {
  const r = await db
    .deleteFrom("notifications")
    .where("id", "=", id)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function clearNotifications(db: Kysely<Schema>, accountId: string) {
  await db.deleteFrom("notifications").where("account_id", "=", accountId).execute();
}

/** Notifications of a member newer than a cursor (since_id / min_id), and one by id. */
export function notificationIdsAfter(
  db: Kysely<Schema>,
  accountId: string,
  afterId: string,
  limit: number,
) {
  return db
    .selectFrom("notifications")
    .select("id")
    .where("account_id", "=", accountId)
    .where("id", ">", afterId)
    .orderBy("id", "asc")
    .limit(limit)
    .execute();
}
