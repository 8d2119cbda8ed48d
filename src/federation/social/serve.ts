/**
 * Our posts served at their ids (/posts/{id}) as Note or Question, to clients
 * that ask for ActivityStreams. Public and unlisted posts go to anyone;
 * followers-only and direct ones only to a signed fetch by an actor who may see
 * them (a follower, or someone mentioned), like Mastodon's authorized fetch of
 * limited statuses; otherwise 404. A deleted post answers 410 with a Tombstone.
 * A group post that is not public goes to the Group and its members only, and a
 * thread the group's moderators hid to no one (social/visibility.ts, for actors).
 */
import type { Federation } from "@fedify/fedify";
import { Tombstone } from "@fedify/vocab";
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { isFollowing } from "../../social/following.ts";
import { isGroupMemberActor } from "../../social/visibility.ts";
import { INSTANCE } from "../deps.ts";
import { instant, loadLocalPost, postObject } from "./notes.ts";

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/activity+json", vary: "Accept" },
  });

export async function servePost(
  federation: Federation<void>,
  db: Kysely<Schema>,
  origin: string,
  request: Request,
  postId: string,
): Promise<Response> {
  const p = await loadLocalPost(db, postId);
  if (!p || p.post.reblog_of_id) return json({ error: "Not found" }, 404);
  const ctx = federation.createContext(request, undefined);
  if (p.post.deleted_at) {
    const tombstone = new Tombstone({
      id: new URL(p.post.uri),
      deleted: instant(p.post.deleted_at),
    });
    return json(await tombstone.toJsonLd({ contextLoader: ctx.contextLoader }), 410);
  }
  if (p.post.hidden_at) return json({ error: "Not found" }, 404);
  const object = postObject(ctx, origin, p);
  const serve = async () => json(await object.toJsonLd({ contextLoader: ctx.contextLoader }));
  if (p.post.visibility === "public" || p.post.visibility === "unlisted") return serve();
  const owner = await ctx
    .getSignedKeyOwner({ documentLoader: await ctx.getDocumentLoader({ identifier: INSTANCE }) })
    .catch(() => null);
  const viewer = owner?.id?.href;
  if (!viewer) return json({ error: "Not found" }, 404);
  if (p.mentions.some((m) => m.actor_uri === viewer)) return serve();
  if (p.post.visibility === "direct") return json({ error: "Not found" }, 404);
  if (p.post.audience_uri)
    return (await isGroupMemberActor(db, p.post, viewer))
      ? serve()
      : json({ error: "Not found" }, 404);
  return (await isFollowing(db, viewer, ctx.getActorUri(p.post.username).href))
    ? serve()
    : json({ error: "Not found" }, 404);
}
