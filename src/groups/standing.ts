/**
 * Where an actor stands in a group: their membership row, their role, whether
 * they are banned. Reads only; a write that depends on them reads them inside
 * its own transaction (pass the transaction as `db`).
 */
import type { Kysely, Selectable } from "kysely";
import type { GroupMembersTable, GroupRole } from "../db/schema/groups.ts";
import type { Schema } from "../db/schema.ts";
import type { LocalMember } from "./context.ts";
import type { Group } from "./groups.ts";
import { personUri } from "./uris.ts";

export type Membership = Selectable<GroupMembersTable>;

export const canModerate = (role: GroupRole | null | undefined) =>
  role === "admin" || role === "moderator";

/** The row of an actor in a group, if any. */
export function membershipOf(db: Kysely<Schema>, groupId: string, actorUri: string) {
  return db
    .selectFrom("group_members")
    .selectAll()
    .where("group_id", "=", groupId)
    .where("actor_uri", "=", actorUri)
    .executeTakeFirst();
}

/**
 * A local member's standing in a group. Every active member of the node is in
 * the assembly, with the node's role unless the assembly gave them another.
 */
export async function standingOf(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  member: LocalMember,
): Promise<{ status: Membership["status"] | null; role: GroupRole | null; row?: Membership }> {
  const row = await membershipOf(db, group.id, personUri(origin, member.username));
  if (group.kind === "assembly") {
    const account = await db
      .selectFrom("accounts")
      .select(["status", "role"])
      .where("id", "=", member.id)
      .executeTakeFirst();
    if (account?.status !== "active") return { status: null, role: null };
    return { status: "active", role: row?.role ?? account.role, ...(row ? { row } : {}) };
  }
  if (!row) return { status: null, role: null };
  return { status: row.status, role: row.status === "active" ? row.role : null, row };
}

/** Is this actor banned from the group? */
export async function isBanned(db: Kysely<Schema>, groupId: string, actorUri: string) {
  return !!(await db
    .selectFrom("group_bans")
    .select("actor_uri")
    .where("group_id", "=", groupId)
    .where("actor_uri", "=", actorUri)
    .executeTakeFirst());
}

/** A membership row of this group by its id (ids in URLs name rows of the group in the path). */
export function memberRow(db: Kysely<Schema>, groupId: string, memberId: string) {
  return db
    .selectFrom("group_members")
    .selectAll()
    .where("id", "=", memberId)
    .where("group_id", "=", groupId)
    .executeTakeFirst();
}
