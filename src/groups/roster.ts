/**
 * A group's roster as pages and collections show it: members with their names
 * and roles, and the moderators (the Group's attributedTo collection, FEP-1b12).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import type { Group } from "./groups.ts";

/** Members with their names, for the group page and the management page. */
export async function listMembers(db: Kysely<Schema>, group: Group) {
  const rows = await db
    .selectFrom("group_members")
    .leftJoin("accounts", "accounts.id", "group_members.account_id")
    .leftJoin("remote_actors", "remote_actors.id", "group_members.remote_id")
    .select([
      "group_members.id",
      "group_members.actor_uri",
      "group_members.actor_kind",
      "group_members.role",
      "group_members.status",
      "group_members.account_id",
      "group_members.remote_id",
      "accounts.username",
      "accounts.display_name",
      "remote_actors.handle",
      "remote_actors.name as remote_name",
    ])
    .where("group_members.group_id", "=", group.id)
    .orderBy("group_members.id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    actorUri: r.actor_uri,
    actorKind: r.actor_kind,
    role: r.role,
    status: r.status,
    local: r.account_id !== null,
    name: r.display_name || r.username || r.remote_name || r.handle || r.actor_uri,
    handle: r.username ? `@${r.username}` : r.handle ? `@${r.handle}` : r.actor_uri,
  }));
}

/** The actor URIs of a group's moderators (its attributedTo collection). */
export async function moderatorUris(db: Kysely<Schema>, group: Group): Promise<string[]> {
  const rows = await db
    .selectFrom("group_members")
    .select("actor_uri")
    .where("group_id", "=", group.id)
    .where("status", "=", "active")
    .where("role", "in", ["admin", "moderator"])
    .orderBy("id")
    .execute();
  return rows.map((r) => r.actor_uri);
}
