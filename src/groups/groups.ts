/**
 * Groups hosted on this node (FEP-1b12 Group actors): creating them, finding
 * them, and the rule that a group's name and a member's username share one
 * WebFinger namespace (acct:name@host is either a Person or a Group).
 */
import type { Kysely, Selectable } from "kysely";
import { sql } from "kysely";
import { z } from "zod";
import { recordEvent } from "../db/outbox.ts";
import type { GroupKind, GroupsTable } from "../db/schema/groups.ts";
import type { Schema } from "../db/schema.ts";
import { newId } from "../kernel/ids.ts";
import { isReservedGroupName } from "../kernel/names.ts";
import { personUri } from "./uris.ts";

export type Group = Selectable<GroupsTable>;

/** Same shape as usernames, since both answer WebFinger on the same host. */
export const groupNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_]{1,30}$/, "use 1 to 30 letters, digits or underscores");

export const newGroupSchema = z.object({
  name: groupNameSchema,
  kind: z.enum(["working_group", "federation"]),
  displayName: z.string().trim().min(1).max(100),
  description: z.string().trim().max(5000).default(""),
  visibility: z.enum(["public", "members"]),
  moderated: z.boolean(),
  postingRestricted: z.boolean().default(false),
  votingMode: z.enum(["delegates", "direct"]).default("delegates"),
});
export type NewGroup = z.input<typeof newGroupSchema>;

export type CreateGroupFailure = "invalid" | "reserved-name" | "name-taken";

export function findGroup(db: Kysely<Schema>, name: string): Promise<Group | undefined> {
  return db
    .selectFrom("groups")
    .selectAll()
    .where(sql<string>`lower(name)`, "=", name.toLowerCase())
    .executeTakeFirst();
}

export function findGroupById(db: Kysely<Schema>, id: string): Promise<Group | undefined> {
  return db.selectFrom("groups").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The co-op's assembly (made by the migration; one per node). */
export function assembly(db: Kysely<Schema>): Promise<Group> {
  return db
    .selectFrom("groups")
    .selectAll()
    .where("kind", "=", "assembly")
    .orderBy("id")
    .limit(1)
    .executeTakeFirstOrThrow();
}

/** Is this name free for a new group: not reserved, no member and no group holds it. */
export async function groupNameProblem(
  db: Kysely<Schema>,
  name: string,
): Promise<CreateGroupFailure | null> {
  if (isReservedGroupName(name)) return "reserved-name";
  const account = await db
    .selectFrom("accounts")
    .select("id")
    .where(sql<string>`lower(username)`, "=", name.toLowerCase())
    .executeTakeFirst();
  // Deleted members keep their name (their actor answers 410), so it stays taken.
  if (account || (await findGroup(db, name))) return "name-taken";
  return null;
}

export async function listGroups(db: Kysely<Schema>): Promise<(Group & { members: number })[]> {
  const rows = await db
    .selectFrom("groups")
    .selectAll("groups")
    .select((eb) =>
      eb
        .selectFrom("group_members")
        .select(eb.fn.countAll<number>().as("n"))
        .whereRef("group_members.group_id", "=", "groups.id")
        .where("group_members.status", "=", "active")
        .as("members"),
    )
    .orderBy("kind")
    .orderBy("name")
    .execute();
  const active = await db
    .selectFrom("accounts")
    .select(db.fn.countAll<number>().as("n"))
    .where("status", "=", "active")
    .executeTakeFirstOrThrow();
  return rows.map((r) => ({
    ...r,
    members: r.kind === "assembly" ? Number(active.n) : Number(r.members ?? 0),
  }));
}

/** Creates a group; its creator is its first admin. */
export async function createGroup(
  db: Kysely<Schema>,
  origin: string,
  creator: { id: string; username: string },
  input: NewGroup,
): Promise<{ ok: true; value: Group } | { ok: false; reason: CreateGroupFailure }> {
  const parsed = newGroupSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const g = parsed.data;
  const problem = await groupNameProblem(db, g.name);
  if (problem) return { ok: false, reason: problem };
  const now = new Date().toISOString();
  const group: Group = {
    id: newId(),
    name: g.name,
    kind: g.kind satisfies GroupKind,
    display_name: g.displayName,
    description: g.description,
    visibility: g.visibility,
    moderated: g.moderated ? 1 : 0,
    posting_restricted: g.postingRestricted ? 1 : 0,
    voting_mode: g.votingMode,
    created_by: creator.id,
    created_at: now,
    updated_at: now,
  };
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("groups").values(group).execute();
      await trx
        .insertInto("group_members")
        .values({
          id: newId(),
          group_id: group.id,
          actor_uri: personUri(origin, creator.username),
          account_id: creator.id,
          remote_id: null,
          actor_kind: "person",
          role: "admin",
          status: "active",
          follow_activity_uri: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
    });
  } catch {
    // Lost a race for the name (the unique index on lower(name)).
    return { ok: false, reason: "name-taken" };
  }
  return { ok: true, value: group };
}

export const groupSettingsSchema = newGroupSchema.pick({
  displayName: true,
  description: true,
  visibility: true,
  moderated: true,
  postingRestricted: true,
  votingMode: true,
});
export type GroupSettings = z.input<typeof groupSettingsSchema>;

/**
 * Changes a group's settings (its admins decide; the caller checks the role).
 * Members elsewhere hear of it as Update(Group), FEP-1b12's metadata change.
 */
export async function updateGroup(
  db: Kysely<Schema>,
  group: Group,
  input: GroupSettings,
): Promise<{ ok: true; value: Group } | { ok: false; reason: "invalid" }> {
  const parsed = groupSettingsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const g = parsed.data;
  const changes = {
    display_name: g.displayName,
    description: g.description,
    // The assembly stays members-only and open to every member.
    visibility: group.kind === "assembly" ? group.visibility : g.visibility,
    moderated: group.kind === "assembly" ? 0 : g.moderated ? 1 : 0,
    posting_restricted: g.postingRestricted ? 1 : 0,
    voting_mode: g.votingMode,
    updated_at: new Date().toISOString(),
  };
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("groups").set(changes).where("id", "=", group.id).execute();
    await recordEvent(trx, { type: "groups.updated", payload: { groupId: group.id } });
  });
  return { ok: true, value: { ...group, ...changes } };
}
