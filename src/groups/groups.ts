/**
 * Groups hosted on this node (FEP-1b12 Group actors): creating them, finding
 * them, changing their settings, and the rule that a group's name and a
 * member's username share one WebFinger namespace (acct:name@host is either a
 * Person or a Group). Writes check inside their transaction (lockGroup).
 */
import type { Kysely, Selectable } from "kysely";
import { sql } from "kysely";
import { z } from "zod";
import { locksRows } from "../accounts/locking.ts";
import { recordEvent } from "../db/outbox.ts";
import type { GroupKind, GroupsTable } from "../db/schema/groups.ts";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { isReservedGroupName } from "../kernel/names.ts";
import { type GroupsContext, isoNow, type LocalMember } from "./context.ts";
import { standingOf } from "./standing.ts";
import { personUri } from "./uris.ts";

export type Group = Selectable<GroupsTable>;

/** Same shape as usernames, since both answer WebFinger on the same host. */
export const groupNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_]{1,30}$/, "use 1 to 30 letters, digits or underscores");

export const newGroupSchema = z.object({
  name: groupNameSchema,
  kind: z.enum(["working_group", "federation", "publication"]),
  displayName: z.string().trim().min(1).max(100),
  description: z.string().trim().max(5000).default(""),
  visibility: z.enum(["public", "members"]),
  moderated: z.boolean(),
  postingRestricted: z.boolean().default(false),
  votingMode: z.enum(["delegates", "direct"]).default("delegates"),
});
export type NewGroup = z.input<typeof newGroupSchema>;

export type CreateGroupFailure = "invalid" | "reserved-name" | "name-taken" | "forbidden";

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

/**
 * The group's row, read again inside a transaction. On PostgreSQL it is locked
 * (FOR UPDATE), so changes to one group's members and settings take turns and
 * each sees what the one before it wrote; SQLite has one writer at a time.
 */
export function lockGroup(trx: Kysely<Schema>, groupId: string): Promise<Group | undefined> {
  return trx
    .selectFrom("groups")
    .selectAll()
    .where("id", "=", groupId)
    .$if(locksRows(trx), (q) => q.forUpdate())
    .executeTakeFirst();
}

/** Is this account an active admin of the node (who act for the co-op and its assembly)? */
export async function isNodeAdmin(db: Kysely<Schema>, accountId: string): Promise<boolean> {
  const account = await db
    .selectFrom("accounts")
    .select(["role", "status"])
    .where("id", "=", accountId)
    .executeTakeFirst();
  return account?.status === "active" && account.role === "admin";
}

const isUniqueViolation = (error: unknown) =>
  /unique/i.test(String((error as { message?: string })?.message ?? error));

/** Creates a group; its creator is its first admin. */
export async function createGroup(
  ctx: GroupsContext,
  creator: LocalMember,
  input: NewGroup,
): Promise<Result<Group, CreateGroupFailure>> {
  const parsed = newGroupSchema.safeParse(input);
  if (!parsed.success) return fail("invalid");
  const g = parsed.data;
  const now = isoNow(ctx);
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
    return await ctx.db.transaction().execute(async (trx) => {
      // A federation speaks for the co-op: only the node's admins start one.
      if (g.kind === "federation" && !(await isNodeAdmin(trx, creator.id)))
        return fail("forbidden");
      const problem = await groupNameProblem(trx, g.name);
      if (problem) return fail(problem);
      await trx.insertInto("groups").values(group).execute();
      await trx
        .insertInto("group_members")
        .values({
          id: newId(),
          group_id: group.id,
          actor_uri: personUri(ctx.origin, creator.username),
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
      return ok(group);
    });
  } catch (error) {
    // Lost a race for the name (the unique index on lower(name)): the other insert won.
    if (isUniqueViolation(error)) return fail("name-taken");
    throw error;
  }
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

export type UpdateGroupFailure = "invalid" | "forbidden" | "not-found";

/**
 * A group admin changes its settings. Members elsewhere hear of it as
 * Update(Group), FEP-1b12's metadata change.
 */
export async function updateGroup(
  ctx: GroupsContext,
  by: LocalMember,
  input: { group: Group; settings: GroupSettings },
): Promise<Result<Group, UpdateGroupFailure>> {
  const parsed = groupSettingsSchema.safeParse(input.settings);
  if (!parsed.success) return fail("invalid");
  const g = parsed.data;
  return ctx.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, input.group.id);
    if (!group) return fail("not-found");
    // Read here, not from the caller's copy: an admin demoted a moment ago is not one.
    const { role } = await standingOf(trx, ctx.origin, group, by);
    if (role !== "admin") return fail("forbidden");
    const changes = {
      display_name: g.displayName,
      description: g.description,
      // The assembly stays members-only and open to every member.
      visibility: group.kind === "assembly" ? group.visibility : g.visibility,
      moderated: group.kind === "assembly" ? 0 : g.moderated ? 1 : 0,
      posting_restricted: g.postingRestricted ? 1 : 0,
      voting_mode: g.votingMode,
      updated_at: isoNow(ctx),
    };
    await trx.updateTable("groups").set(changes).where("id", "=", group.id).execute();
    await recordEvent(trx, { type: "groups.group.updated", payload: { groupId: group.id } });
    return ok({ ...group, ...changes });
  });
}
