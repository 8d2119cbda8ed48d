/**
 * Who may see a post (Mastodon's rules): public and unlisted — anyone;
 * followers-only — the author, accepted followers and those mentioned;
 * direct — the author and those mentioned. Deleted posts, and posts of a
 * suspended author — nobody. `canSee` checks one post; `visibleTo` is the same
 * rule as a query filter, for anything that lists or counts posts (hashtags…).
 */
import type { ExpressionBuilder, Kysely } from "kysely";
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

type PostsEb = ExpressionBuilder<Schema & { p: Schema["posts"] }, "p">;

/** canSee as a filter on posts aliased `p`: a list or count built with it shows nothing canSee hides. */
export const visibleTo = (viewer: ViewerRef | null) => (eb: PostsEb) => {
  const everyone = eb("p.visibility", "in", ["public", "unlisted"]);
  const audience = viewer
    ? eb.or([
        everyone,
        eb("p.author_uri", "=", viewer.uri),
        eb.exists(
          eb
            .selectFrom("post_mentions as vm")
            .select("vm.post_id")
            .whereRef("vm.post_id", "=", "p.id")
            .where("vm.actor_uri", "=", viewer.uri),
        ),
        eb.and([
          eb("p.visibility", "=", "followers"),
          eb.exists(
            eb
              .selectFrom("follows as vf")
              .select("vf.id")
              .where("vf.follower_uri", "=", viewer.uri)
              .whereRef("vf.followee_uri", "=", "p.author_uri")
              .where("vf.status", "=", "accepted"),
          ),
        ]),
      ])
    : everyone;
  return eb.and([
    eb("p.deleted_at", "is", null),
    eb.not(
      eb.exists(
        eb
          .selectFrom("actor_limits as vl")
          .select("vl.level")
          .whereRef("vl.actor_uri", "=", "p.author_uri")
          .where("vl.level", "=", "suspend"),
      ),
    ),
    audience,
  ]);
};
