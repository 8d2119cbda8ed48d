/**
 * Who or what a feed is of: a member (active, not deleted), a public group (a
 * publication is a group), the whole node. Null when there is no such feed, so
 * the route answers 404 (a deleted member's feed too: their posts are gone).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";

export interface MemberSubject {
  username: string;
  name: string;
  language: string;
}

export interface GroupSubject {
  id: string;
  name: string;
  displayName: string;
  description: string;
}

export async function memberSubject(
  db: Kysely<Schema>,
  username: string,
): Promise<MemberSubject | null> {
  const row = await db
    .selectFrom("accounts")
    .select(["username", "display_name", "language", "status"])
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()))
    .executeTakeFirst();
  if (row?.status !== "active") return null;
  return { username: row.username, name: row.display_name || row.username, language: row.language };
}

/** A group whose page anyone may read; its feed lists its public posts only. */
export async function groupSubject(db: Kysely<Schema>, name: string): Promise<GroupSubject | null> {
  const row = await db
    .selectFrom("groups")
    .select(["id", "name", "display_name", "description"])
    .where("name", "=", name.toLowerCase())
    .where("visibility", "=", "public")
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    displayName: row.display_name || row.name,
    description: row.description,
  };
}
