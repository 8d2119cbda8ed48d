/**
 * What this node tells about itself (Mastodon's instance stats): how many
 * members, how many of their posts, how many servers it knows, and how many
 * members posted lately. Counts only; nothing here is per viewer.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";

export interface NodeStats {
  /** Active members. */
  users: number;
  /** Members' posts not deleted (boosts included, as Mastodon counts statuses). */
  statuses: number;
  /** Servers with an actor this node knows. */
  domains: number;
}

/**
 * Members' actors are `${origin}/users/NAME` (kernel/uris.ts memberUri); their
 * counts are in actor_stats, kept by triggers (migration 0037), so the node's
 * totals add up one row per actor instead of scanning every post.
 */
const membersOf = (origin: string) => `${origin}/users/%`;

export async function nodeStats(db: Kysely<Schema>, origin: string): Promise<NodeStats> {
  const [users, statuses, domains] = await Promise.all([
    db
      .selectFrom("accounts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", "active")
      .executeTakeFirst(),
    db
      .selectFrom("actor_stats")
      .select((eb) => eb.fn.sum<number>("statuses_count").as("n"))
      .where("actor_uri", "like", membersOf(origin))
      .executeTakeFirst(),
    db
      .selectFrom("remote_actors")
      .select((eb) => eb.fn.count<number>("host").distinct().as("n"))
      .executeTakeFirst(),
  ]);
  return {
    users: Number(users?.n ?? 0),
    statuses: Number(statuses?.n ?? 0),
    domains: Number(domains?.n ?? 0),
  };
}

/** Members who wrote something since the given time (Mastodon's monthly active users). */
export async function membersPostingSince(
  db: Kysely<Schema>,
  origin: string,
  since: string,
): Promise<number> {
  const row = await db
    .selectFrom("actor_stats")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("actor_uri", "like", membersOf(origin))
    .where("last_status_at", ">", since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
