/**
 * The groups a member belongs to, here and elsewhere, each with a stable key:
 * `group:NAME` for a group hosted here, `group:NAME@HOST` for a group on another
 * node (its handle). Apps show them as read-only lists (src/api/routes/group-lists.ts).
 *
 * Belonging is what visibility.ts counts as membership, so a group listed here
 * is one whose members-only posts the member may read: an active row in
 * group_members, every active account for the assembly, and an accepted Follow
 * of a remote Group. A pending request or an invitation is not belonging.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { groupUri, memberUri } from "../kernel/uris.ts";
import type { LocalMember } from "./context.ts";

export interface MemberGroup {
  /** `group:NAME` or `group:NAME@HOST`. */
  key: string;
  /** The group's display name (a remote Group's name, else its handle). */
  title: string;
  /** The Group actor's URI: its posts' audience. */
  uri: string;
  /** Set when the group is hosted here. */
  groupId: string | null;
}

/** Keys start with this; nothing else a list id can be does. */
export const GROUP_KEY_PREFIX = "group:";

export const isGroupKey = (id: string) => id.startsWith(GROUP_KEY_PREFIX);

/** The member's groups, here first (by name), then elsewhere (by handle). Capped at 500. */
export async function memberGroups(
  db: Kysely<Schema>,
  origin: string,
  member: LocalMember,
): Promise<MemberGroup[]> {
  const me = memberUri(origin, member.username);
  const [active, here, elsewhere] = await Promise.all([
    db
      .selectFrom("accounts")
      .select("id")
      .where("id", "=", member.id)
      .where("status", "=", "active")
      .executeTakeFirst(),
    db
      .selectFrom("groups as g")
      .leftJoin("group_members as m", (j) =>
        j.onRef("m.group_id", "=", "g.id").on("m.actor_uri", "=", me).on("m.status", "=", "active"),
      )
      .select(["g.id", "g.name", "g.display_name", "g.kind", "m.id as membership"])
      .where((eb) => eb.or([eb("m.id", "is not", null), eb("g.kind", "=", "assembly")]))
      .orderBy("g.name")
      .limit(500)
      .execute(),
    db
      .selectFrom("follows as f")
      .innerJoin("remote_actors as ra", "ra.id", "f.followee_remote_id")
      .select(["ra.uri", "ra.handle", "ra.name"])
      .where("f.follower_uri", "=", me)
      .where("f.status", "=", "accepted")
      .where("ra.type", "=", "Group")
      .orderBy("ra.handle")
      .limit(500)
      .execute(),
  ]);
  if (!active) return [];
  // Sorted here, not by the database: SQLite and PostgreSQL order capitals differently.
  const byKey = (a: MemberGroup, b: MemberGroup) =>
    a.key.toLowerCase() < b.key.toLowerCase()
      ? -1
      : a.key.toLowerCase() > b.key.toLowerCase()
        ? 1
        : 0;
  return [
    ...here
      .map((g) => ({
        key: `${GROUP_KEY_PREFIX}${g.name}`,
        title: g.display_name || g.name,
        uri: groupUri(origin, g.name),
        groupId: g.id,
      }))
      .sort(byKey),
    ...elsewhere
      .map((g) => ({
        key: `${GROUP_KEY_PREFIX}${g.handle}`,
        title: g.name || g.handle,
        uri: g.uri,
        groupId: null,
      }))
      .sort(byKey),
  ];
}

/** One of the member's groups by its key, or null (unknown, or not theirs). */
export async function memberGroup(
  db: Kysely<Schema>,
  origin: string,
  member: LocalMember,
  key: string,
): Promise<MemberGroup | null> {
  if (!isGroupKey(key)) return null;
  const wanted = key.toLowerCase();
  return (
    (await memberGroups(db, origin, member)).find((g) => g.key.toLowerCase() === wanted) ?? null
  );
}
