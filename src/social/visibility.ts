/**
 * Who may see a post (Mastodon's rules): public and unlisted — anyone;
 * followers-only — the author, accepted followers and those mentioned;
 * direct — the author and those mentioned. Deleted posts, and posts of a
 * suspended author — nobody.
 */
import type { Kysely } from "kysely";
import type { Visibility } from "../db/schema/social.ts";
import type { Schema } from "../db/schema.ts";

export interface ViewerRef {
  id: string;
  /** The viewer's actor URI. */
  uri: string;
}

export async function canSee(
  db: Kysely<Schema>,
  viewer: ViewerRef | null,
  post: { id: string; visibility: Visibility; author_uri: string; deleted_at: string | null },
): Promise<boolean> {
  if (post.deleted_at) return false;
  // A suspended author's posts are hidden from everyone (moderation.ts).
  const suspended = await db
    .selectFrom("actor_limits")
    .select("level")
    .where("actor_uri", "=", post.author_uri)
    .where("level", "=", "suspend")
    .executeTakeFirst();
  if (suspended) return false;
  if (post.visibility === "public" || post.visibility === "unlisted") return true;
  if (!viewer) return false;
  if (post.author_uri === viewer.uri) return true;
  const mentioned = await db
    .selectFrom("post_mentions")
    .select("post_id")
    .where("post_id", "=", post.id)
    .where("actor_uri", "=", viewer.uri)
    .executeTakeFirst();
  if (mentioned) return true;
  if (post.visibility === "direct") return false;
  const follows = await db
    .selectFrom("follows")
    .select("id")
    .where("follower_uri", "=", viewer.uri)
    .where("followee_uri", "=", post.author_uri)
    .where("status", "=", "accepted")
    .executeTakeFirst();
  return !!follows;
}
