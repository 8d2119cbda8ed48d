/**
 * A member's pinned posts as their actor's `featured` collection, as Mastodon
 * publishes it (toot:featured on the Person): an OrderedCollection of the pinned
 * Notes themselves, most recently pinned first. Only public and unlisted posts
 * can be pinned (src/social/interactions.ts), so the collection is public.
 */
import type { Federation } from "@fedify/fedify";
import { type FederationDeps, findMember, INSTANCE, isVisible } from "../deps.ts";
import { loadLocalPost, postObject } from "./notes.ts";

/**
 * Mastodon serves it at /users/{name}/collections/featured; the address is
 * opaque to other servers, and the federation middleware routes one segment
 * under /users/{name}, so ours is /users/{name}/featured.
 */
export const FEATURED_PATH = "/users/{identifier}/featured";

export function registerFeatured(federation: Federation<void>, deps: FederationDeps): void {
  const { db } = deps.db;
  const pinned = async (identifier: string) => {
    // The instance actor pins nothing; its collection exists because peers expect one.
    if (identifier === INSTANCE) return [];
    const member = await findMember(db, identifier);
    if (!member || member.username !== identifier || !isVisible(member)) return null;
    return db
      .selectFrom("pins")
      .innerJoin("posts", "posts.id", "pins.post_id")
      .select("pins.post_id")
      .where("pins.account_id", "=", member.id)
      .where("posts.deleted_at", "is", null)
      .where("posts.visibility", "in", ["public", "unlisted"])
      .orderBy("pins.created_at", "desc")
      .orderBy("pins.post_id", "desc")
      .execute();
  };
  federation
    .setFeaturedDispatcher(FEATURED_PATH, async (ctx, identifier) => {
      const pins = await pinned(identifier);
      if (!pins) return null;
      const items = [];
      for (const pin of pins) {
        const p = await loadLocalPost(db, pin.post_id);
        if (p) items.push(postObject(ctx, deps.config.origin, p));
      }
      return { items };
    })
    .setCounter(async (_ctx, identifier) => (await pinned(identifier))?.length ?? null);
}
