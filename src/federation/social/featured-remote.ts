/**
 * Reading a remote actor's pinned posts from its `featured` collection (Mastodon's
 * toot:featured, served by Synco too: featured.ts) whenever the actor document is
 * fetched or refreshed. Only the posts the collection (or its first page) embeds
 * are read, at most MAX_REMOTE_PINS, each by its author on the author's server
 * and public or unlisted; they are kept as any post that arrived.
 */
import type { Context } from "@fedify/fedify";
import { type Actor, Article, type Collection, Note, Question } from "@fedify/vocab";
import { MAX_REMOTE_PINS, replaceRemotePins } from "../../social/remote-pins.ts";
import { storeRemotePost } from "../../social/remote-posts.ts";
import { type FederationDeps, INSTANCE, socialContext } from "../deps.ts";
import type { RemoteActor } from "../remote-actors.ts";
import { embeddedOnly, takeAtMost } from "../remote-limits.ts";
import { parseRemotePost } from "./parse.ts";

const isPost = (o: unknown): o is Note | Article | Question =>
  o instanceof Note || o instanceof Article || o instanceof Question;

/** Replaces the actor's pins by what its featured collection holds now; returns how many. */
export async function readFeatured(
  ctx: Context<void>,
  deps: Pick<FederationDeps, "db" | "config" | "clock">,
  actor: Actor,
  stored: RemoteActor,
): Promise<number> {
  if (!actor.featuredId) return 0;
  // Signed by the instance actor, as every fetch of ours (lookup.ts signedLoader).
  const loader = await ctx.getDocumentLoader({ identifier: INSTANCE });
  const opts = { documentLoader: loader, suppressError: true } as const;
  const featured = await actor.getFeatured(opts).catch(() => null);
  if (!featured) return 0;
  const first = await featured.getFirst(opts).catch(() => null);
  const page: Collection = first ?? featured;
  const items = await takeAtMost(
    page.getItems({ documentLoader: embeddedOnly, suppressError: true }),
    MAX_REMOTE_PINS,
  ).catch(() => []);
  const db = deps.db.db;
  const postIds: string[] = [];
  for (const object of items) {
    if (!isPost(object) || object.attributionId?.href !== stored.uri) continue;
    const input = await parseRemotePost(ctx, object, stored, deps.clock);
    if (!input || new URL(input.uri).origin !== new URL(stored.uri).origin) continue;
    if (input.visibility !== "public" && input.visibility !== "unlisted") continue;
    const post = await storeRemotePost(socialContext(deps), input);
    postIds.push(post.id);
  }
  await replaceRemotePins(db, stored.id, postIds);
  return postIds.length;
}
