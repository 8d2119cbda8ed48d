/** A member's followers, follows and follow requests, as the pages show them. */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { personPath } from "../social/views.ts";

export interface FollowEntry {
  id: string;
  status: "pending" | "accepted";
  uri: string;
  /** user@host for remote actors, the username for members of this node. */
  handle: string;
  name: string;
  /** Where a person would look at the actor: the remote profile page, or /@username. */
  profileUrl: string;
  local: boolean;
}

const LIMIT = 200;

export async function followersOf(
  db: Kysely<Schema>,
  accountId: string,
  status: "pending" | "accepted",
): Promise<FollowEntry[]> {
  const rows = await db
    .selectFrom("follows")
    .leftJoin("remote_actors as r", "r.id", "follows.follower_remote_id")
    .leftJoin("accounts as a", "a.id", "follows.follower_account_id")
    .select([
      "follows.id",
      "follows.status",
      "follows.follower_uri as uri",
      "r.handle as remote_handle",
      "r.name as remote_name",
      "r.url as remote_url",
      "a.username as local_username",
      "a.display_name as local_name",
    ])
    .where("follows.followee_account_id", "=", accountId)
    .where("follows.status", "=", status)
    .orderBy("follows.id", "desc")
    .limit(LIMIT)
    .execute();
  return rows.map(toEntry);
}

export async function followingOf(db: Kysely<Schema>, accountId: string): Promise<FollowEntry[]> {
  const rows = await db
    .selectFrom("follows")
    .leftJoin("remote_actors as r", "r.id", "follows.followee_remote_id")
    .leftJoin("accounts as a", "a.id", "follows.followee_account_id")
    .select([
      "follows.id",
      "follows.status",
      "follows.followee_uri as uri",
      "r.handle as remote_handle",
      "r.name as remote_name",
      "r.url as remote_url",
      "a.username as local_username",
      "a.display_name as local_name",
    ])
    .where("follows.follower_account_id", "=", accountId)
    .orderBy("follows.id", "desc")
    .limit(LIMIT)
    .execute();
  return rows.map(toEntry);
}

/** The follow from one member to an actor, if any. */
export async function followOf(db: Kysely<Schema>, followerUri: string, followeeUri: string) {
  return db
    .selectFrom("follows")
    .select(["id", "status"])
    .where("follower_uri", "=", followerUri)
    .where("followee_uri", "=", followeeUri)
    .executeTakeFirst();
}

function toEntry(row: {
  id: string;
  status: "pending" | "accepted";
  uri: string;
  remote_handle: string | null;
  remote_name: string | null;
  remote_url: string | null;
  local_username: string | null;
  local_name: string | null;
}): FollowEntry {
  if (row.local_username) {
    return {
      id: row.id,
      status: row.status,
      uri: row.uri,
      handle: row.local_username,
      name: row.local_name || row.local_username,
      profileUrl: `/@${row.local_username}`,
      local: true,
    };
  }
  return {
    id: row.id,
    status: row.status,
    uri: row.uri,
    handle: row.remote_handle ?? row.uri,
    name: row.remote_name || row.remote_handle || row.uri,
    // Their page here (issue 23), where one follows, mutes or reports them.
    profileUrl: (row.remote_handle && personPath(row.remote_handle)) || row.remote_url || row.uri,
    local: false,
  };
}
