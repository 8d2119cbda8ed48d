/**
 * What a remote actor pinned, as its `featured` collection says (Mastodon's
 * toot:featured): kept in the collection's order and replaced whole each time the
 * collection is read, so an unpin there is an unpin here. Shown, like a member's
 * pins, above the actor's posts (the client API's `pinned=true`).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import type { SocialContext } from "./context.ts";
import { hydrate, type PostView } from "./views.ts";
import type { ViewerRef } from "./visibility.ts";

/** At most this many pins are kept per remote actor (Mastodon allows five). */
export const MAX_REMOTE_PINS = 10;

export async function replaceRemotePins(
  db: Kysely<Schema>,
  remoteId: string,
  postIds: string[],
): Promise<void> {
  const unique = [...new Set(postIds)].slice(0, MAX_REMOTE_PINS);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("remote_pins").where("remote_id", "=", remoteId).execute();
    for (const [position, postId] of unique.entries())
      await trx
        .insertInto("remote_pins")
        .values({ remote_id: remoteId, post_id: postId, position })
        .execute();
  });
}

/** The remote actor's pinned posts the viewer may see, in the actor's order. */
export async function remotePinnedPosts(
  s: SocialContext,
  viewer: ViewerRef | null,
  actorUri: string,
): Promise<PostView[]> {
  const rows = await s.db
    .selectFrom("remote_pins")
    .innerJoin("remote_actors as r", "r.id", "remote_pins.remote_id")
    .innerJoin("posts as p", "p.id", "remote_pins.post_id")
    .select("p.id")
    .where("r.uri", "=", actorUri)
    .where("p.author_uri", "=", actorUri)
    .where("p.deleted_at", "is", null)
    .where("p.visibility", "in", ["public", "unlisted"])
    .orderBy("remote_pins.position")
    .execute();
  return hydrate(
    s,
    viewer?.id ?? null,
    viewer?.uri ?? null,
    rows.map((r) => r.id),
  );
}
