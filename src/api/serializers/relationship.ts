/** Relationship (docs.joinmastodon.org/entities/Relationship) between a member and actors. */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";

export async function relationships(
  db: Kysely<Schema>,
  me: { uri: string; id: string },
  targets: { id: string; uri: string }[],
) {
  const uris = targets.map((t) => t.uri);
  if (uris.length === 0) return [];
  const [out, inc, filters, theirs] = await Promise.all([
    db
      .selectFrom("follows")
      .select(["followee_uri", "status"])
      .where("follower_uri", "=", me.uri)
      .where("followee_uri", "in", uris)
      .execute(),
    db
      .selectFrom("follows")
      .select(["follower_uri", "status"])
      .where("followee_uri", "=", me.uri)
      .where("follower_uri", "in", uris)
      .execute(),
    db
      .selectFrom("actor_filters")
      .select(["target_uri", "kind"])
      .where("account_id", "=", me.id)
      .where("target_uri", "in", uris)
      .execute(),
    // A member of this node who blocked me.
    db
      .selectFrom("actor_filters")
      .select("account_id")
      .where("target_uri", "=", me.uri)
      .where("kind", "=", "block")
      .where(
        "account_id",
        "in",
        targets.map((t) => t.id),
      )
      .execute(),
  ]);
  return targets.map((t) => {
    const following = out.find((f) => f.followee_uri === t.uri);
    const followedBy = inc.find((f) => f.follower_uri === t.uri);
    const has = (kind: string) => filters.some((f) => f.target_uri === t.uri && f.kind === kind);
    return {
      id: t.id,
      following: following?.status === "accepted",
      showing_reblogs: following?.status === "accepted",
      notifying: false,
      languages: null,
      followed_by: followedBy?.status === "accepted",
      blocking: has("block"),
      blocked_by: theirs.some((b) => b.account_id === t.id),
      muting: has("mute"),
      muting_notifications: has("mute"),
      requested: following?.status === "pending",
      requested_by: followedBy?.status === "pending",
      domain_blocking: false,
      endorsed: false,
      note: "",
    };
  });
}
