/**
 * The accepted-follow check, named once: whether an actor follows another and
 * the follow was accepted (a pending request grants nothing). Followers-only
 * posts, profile pages and list membership all ask it.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";

export async function isFollowing(
  db: Kysely<Schema>,
  followerUri: string,
  followeeUri: string,
): Promise<boolean> {
  const row = await db
    .selectFrom("follows")
    .select("id")
    .where("follower_uri", "=", followerUri)
    .where("followee_uri", "=", followeeUri)
    .where("status", "=", "accepted")
    .executeTakeFirst();
  return row !== undefined;
}
