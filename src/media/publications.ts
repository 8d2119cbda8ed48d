/**
 * Publications: collective outlets. A publication is a Group of kind
 * "publication" (so it is followable from Mastodon as @name@node and its Group
 * announces what it publishes, FEP-1b12); its staff — editors and writers — is
 * kept in publication_staff, apart from the group's members, who are its readers.
 * The creator is its first editor (written right after the Group). Editors (and
 * the node's admins) name writers and editors; a publication always keeps one editor.
 */
import type { Kysely } from "kysely";
import type { PublicationRole } from "../db/schema/media.ts";
import type { Schema } from "../db/schema.ts";
import { type CreateGroupFailure, createGroup, type Group, isNodeAdmin } from "../groups/groups.ts";
import { insertMember } from "../groups/memberships.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { memberUri } from "../kernel/uris.ts";
import type { Actor, MediaContext } from "./context.ts";

export type { PublicationRole };

export interface NewPublication {
  name: string;
  displayName: string;
  description?: string;
}

/** Creates the publication's Group, then makes its creator an editor. */
export async function createPublication(
  ctx: MediaContext,
  creator: Actor,
  input: NewPublication,
): Promise<Result<Group, CreateGroupFailure>> {
  const made = await createGroup(ctx, creator, {
    name: input.name,
    kind: "publication",
    displayName: input.displayName,
    description: input.description ?? "",
    visibility: "public",
    moderated: false,
    // Only the Group posts threads; readers reply to articles.
    postingRestricted: true,
  });
  if (!made.ok) return made;
  await ctx.db
    .insertInto("publication_staff")
    .values({
      publication_id: made.value.id,
      account_id: creator.id,
      role: "editor",
      created_at: ctx.clock.now().toISOString(),
    })
    .execute();
  return made;
}

/** The publication with this id, if it is one. */
export function findPublication(db: Kysely<Schema>, id: string): Promise<Group | undefined> {
  return db
    .selectFrom("groups")
    .selectAll()
    .where("id", "=", id)
    .where("kind", "=", "publication")
    .executeTakeFirst();
}

/** A member's role in a publication, or null (readers and strangers). */
export async function roleIn(
  db: Kysely<Schema>,
  publicationId: string,
  accountId: string,
): Promise<PublicationRole | null> {
  const row = await db
    .selectFrom("publication_staff")
    .innerJoin("accounts", "accounts.id", "publication_staff.account_id")
    .select("publication_staff.role")
    .where("publication_id", "=", publicationId)
    .where("account_id", "=", accountId)
    .where("accounts.status", "=", "active")
    .executeTakeFirst();
  return row?.role ?? null;
}

export type StaffProblem = "forbidden" | "not-found" | "last-editor";

/** An editor gives a member a role (writer or editor), or changes it. */
export async function setStaffRole(
  ctx: MediaContext,
  editor: Actor,
  input: { publicationId: string; accountId: string; role: PublicationRole },
): Promise<Result<{ role: PublicationRole }, StaffProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await findPublication(trx, input.publicationId))) return fail("not-found" as const);
    if (!(await mayManageStaff(trx, input.publicationId, editor.id)))
      return fail("forbidden" as const);
    const member = await trx
      .selectFrom("accounts")
      .select("id")
      .where("id", "=", input.accountId)
      .where("status", "=", "active")
      .executeTakeFirst();
    if (!member) return fail("not-found" as const);
    if (input.role === "writer" && (await isLastEditor(trx, input.publicationId, input.accountId)))
      return fail("last-editor" as const);
    await trx
      .deleteFrom("publication_staff")
      .where("publication_id", "=", input.publicationId)
      .where("account_id", "=", input.accountId)
      .execute();
    await trx
      .insertInto("publication_staff")
      .values({
        publication_id: input.publicationId,
        account_id: input.accountId,
        role: input.role,
        created_at: ctx.clock.now().toISOString(),
      })
      .execute();
    await moderatorInGroup(trx, ctx, input.publicationId, input.accountId, input.role === "editor");
    return ok({ role: input.role });
  });
}

/** An editor takes someone off the masthead (their articles stay, as written). */
export async function removeFromStaff(
  ctx: MediaContext,
  editor: Actor,
  input: { publicationId: string; accountId: string },
): Promise<Result<{ removed: true }, StaffProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await mayManageStaff(trx, input.publicationId, editor.id)))
      return fail("forbidden" as const);
    if (await isLastEditor(trx, input.publicationId, input.accountId))
      return fail("last-editor" as const);
    const gone = await trx
      .deleteFrom("publication_staff")
      .where("publication_id", "=", input.publicationId)
      .where("account_id", "=", input.accountId)
      .executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) return fail("not-found" as const);
    await moderatorInGroup(trx, ctx, input.publicationId, input.accountId, false);
    return ok({ removed: true as const });
  });
}

/**
 * Editors are the publication Group's moderators, so reports of its articles and
 * comments (reports.group_id) and the group's moderation reach them; someone who
 * stops being an editor stays a reader (a member) of the Group. The Group's
 * admins (its creator) keep their role.
 */
async function moderatorInGroup(
  trx: Kysely<Schema>,
  ctx: MediaContext,
  publicationId: string,
  accountId: string,
  editor: boolean,
) {
  const now = ctx.clock.now().toISOString();
  const row = await trx
    .selectFrom("group_members")
    .select(["id", "role"])
    .where("group_id", "=", publicationId)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  if (row?.role === "admin") return;
  if (row) {
    await trx
      .updateTable("group_members")
      .set({ role: editor ? "moderator" : "member", status: "active", updated_at: now })
      .where("id", "=", row.id)
      .execute();
    return;
  }
  if (!editor) return;
  const account = await trx
    .selectFrom("accounts")
    .select("username")
    .where("id", "=", accountId)
    .executeTakeFirstOrThrow();
  await insertMember(trx, now, {
    group_id: publicationId,
    actor_uri: memberUri(ctx.origin, account.username),
    account_id: accountId,
    remote_id: null,
    actor_kind: "person",
    role: "moderator",
    status: "active",
    follow_activity_uri: null,
  });
}

/** Its editors, and the node's admins (so a publication whose editors left can be given one). */
async function mayManageStaff(trx: Kysely<Schema>, publicationId: string, accountId: string) {
  return (
    (await roleIn(trx, publicationId, accountId)) === "editor" ||
    (await isNodeAdmin(trx, accountId))
  );
}

async function isLastEditor(trx: Kysely<Schema>, publicationId: string, accountId: string) {
  const editors = await trx
    .selectFrom("publication_staff")
    .select("account_id")
    .where("publication_id", "=", publicationId)
    .where("role", "=", "editor")
    .execute();
  return editors.length === 1 && editors[0]?.account_id === accountId;
}

/** The masthead: editors first, then writers, by name. */
export function staffOf(db: Kysely<Schema>, publicationId: string) {
  return db
    .selectFrom("publication_staff")
    .innerJoin("accounts", "accounts.id", "publication_staff.account_id")
    .select([
      "accounts.id as accountId",
      "accounts.username",
      "accounts.display_name as displayName",
      "publication_staff.role",
    ])
    .where("publication_id", "=", publicationId)
    .where("accounts.status", "=", "active")
    .orderBy("publication_staff.role")
    .orderBy("accounts.username")
    .execute();
}

/** The publications a member writes for (for the editor's picker). */
export function publicationsOf(db: Kysely<Schema>, accountId: string) {
  return db
    .selectFrom("publication_staff")
    .innerJoin("groups", "groups.id", "publication_staff.publication_id")
    .select([
      "groups.id",
      "groups.name",
      "groups.display_name as displayName",
      "publication_staff.role",
    ])
    .where("account_id", "=", accountId)
    .orderBy("groups.name")
    .execute();
}
