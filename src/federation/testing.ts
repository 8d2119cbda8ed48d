/** Helpers for federation tests: waiting on a condition with a deadline (never sleeping blindly). */
import type { SyncoNode } from "../app.ts";
import { type FollowTarget, follow } from "./follows.ts";

/**
 * Polls `check` until it returns a truthy value; fails with `what` after `ms`. The
 * default deadline is generous so a loaded machine (retries with backoff) still passes;
 * a passing test never waits for it.
 */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A follow's status between two actor URIs on a node, or null. */
export async function followStatus(node: SyncoNode, followerUri: string, followeeUri: string) {
  const row = await node.db.db
    .selectFrom("follows")
    .select("status")
    .where("follower_uri", "=", followerUri)
    .where("followee_uri", "=", followeeUri)
    .executeTakeFirst();
  return row?.status ?? null;
}

/** Member `username` of `node` follows the actor found by `query` (handle or URL). */
export async function followRemote(
  node: SyncoNode,
  follower: { id: string; username: string },
  query: string,
) {
  const actor = await node.federation.lookup(query);
  if (!actor) throw new Error(`No actor found for ${query}`);
  const target: FollowTarget = { kind: "remote", actor };
  const result = await follow(
    node.db.db,
    node.config.origin,
    follower,
    target,
    node.federation.deps.clock,
  );
  return { actor, result };
}
