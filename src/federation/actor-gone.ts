/**
 * A remote actor is gone: it sent Delete of itself, or its server answers 410 for
 * it. Every area forgets what it left here: follows (markGone), posts, boosts,
 * likes and votes (social), memberships and group posts (groups). Each step is
 * idempotent, so a repeated Delete does nothing new.
 */
import { findGroupById } from "../groups/groups.ts";
import { receiveLeave } from "../groups/memberships.ts";
import { forgetRemoteActor } from "../social/remote-actor-deletion.ts";
import { deleteRemotePost } from "../social/remote-posts.ts";
import type { FederationDeps } from "./deps.ts";
import { markGone } from "./remote-actors.ts";

export async function actorGone(
  deps: Pick<FederationDeps, "db" | "clock">,
  uri: string,
): Promise<boolean> {
  const { db } = deps.db;
  if (!(await markGone(db, uri))) return false;
  await forgetRemoteActor({ db, clock: deps.clock }, uri);
  const memberships = await db
    .selectFrom("group_members")
    .select("group_id")
    .where("actor_uri", "=", uri)
    .execute();
  for (const m of memberships) {
    const group = await findGroupById(db, m.group_id);
    if (group) await receiveLeave({ db }, { uri }, { group });
  }
  const groupPosts = await db
    .selectFrom("posts")
    .select("uri")
    .where("author_uri", "=", uri)
    .where("audience_uri", "is not", null)
    .where("deleted_at", "is", null)
    .execute();
  for (const p of groupPosts) await deleteRemotePost({ db, clock: deps.clock }, p.uri, uri);
  return true;
}
