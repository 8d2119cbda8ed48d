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

export async function nodeStats(db: Kysely<Schema>): Promise<NodeStats> {
  const [users, statuses, domains] = await Promise.all([
    db
      .selectFrom("accounts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", "active")
      .executeTakeFirst(),
    db
      .selectFrom("posts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("local", "=", 1)
      .where("deleted_at", "is", null)
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
export async function membersPostingSince(db: Kysely<Schema>, since: string): Promise<number> {
  const row = await db
    .selectFrom("posts")
    .select((eb) => eb.fn.count<number>("author_account_id").distinct().as("n"))
    .where("local", "=", 1)
    .where("created_at", ">", since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
