/**
 * A member's lists of accounts (Mastodon's lists): make, rename, delete, and
 * which accounts each holds. Every function takes the member, so a list is
 * only ever read or changed by its owner; only accounts the member follows
 * (accepted) can be added, as in Mastodon. A list's timeline is list-timeline.ts.
 */
import type { Kysely, Selectable } from "kysely";
import type { ListsTable } from "../db/schema/api.ts";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { type Member, memberUri, type SocialContext } from "./context.ts";
import { isFollowing } from "./following.ts";

export type List = Selectable<ListsTable>;

export interface ListInput {
  title: string;
  /** Absent keeps the list's (a new list: "list"). */
  repliesPolicy?: List["replies_policy"] | undefined;
  /** Absent keeps the list's (a new list: not exclusive). */
  exclusive?: boolean | undefined;
}

export type ListProblem = "not-found" | "not-following";

/** The member's lists, oldest first. */
export function memberLists(db: Kysely<Schema>, accountId: string): Promise<List[]> {
  return db
    .selectFrom("lists")
    .selectAll()
    .where("account_id", "=", accountId)
    .orderBy("id")
    .execute();
}

/** One of the member's lists. */
export function listOf(
  db: Kysely<Schema>,
  accountId: string,
  listId: string,
): Promise<List | undefined> {
  return db
    .selectFrom("lists")
    .selectAll()
    .where("id", "=", listId)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
}

/** The member's lists that hold an actor. */
export function listsHolding(
  db: Kysely<Schema>,
  accountId: string,
  actorUri: string,
): Promise<List[]> {
  return db
    .selectFrom("lists as li")
    .innerJoin("list_accounts as la", "la.list_id", "li.id")
    .selectAll("li")
    .where("li.account_id", "=", accountId)
    .where("la.actor_uri", "=", actorUri)
    .execute();
}

/** The actors in one of the member's lists (none when it is not theirs). */
export async function listMembers(
  db: Kysely<Schema>,
  accountId: string,
  listId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom("list_accounts as la")
    .innerJoin("lists as li", "li.id", "la.list_id")
    .select("la.actor_uri")
    .where("li.id", "=", listId)
    .where("li.account_id", "=", accountId)
    .execute();
  return rows.map((r) => r.actor_uri);
}

export async function createList(
  s: SocialContext,
  member: Member,
  input: ListInput,
): Promise<List> {
  const row: List = {
    id: newId(),
    account_id: member.id,
    title: input.title,
    replies_policy: input.repliesPolicy ?? "list",
    exclusive: input.exclusive ? 1 : 0,
    created_at: s.clock.now().toISOString(),
  };
  await s.db.insertInto("lists").values(row).execute();
  return row;
}

export async function updateList(
  s: SocialContext,
  member: Member,
  listId: string,
  input: ListInput,
): Promise<Result<List, "not-found">> {
  return s.db.transaction().execute(async (trx) => {
    const row = await listOf(trx, member.id, listId);
    if (!row) return fail("not-found" as const);
    const next = {
      title: input.title,
      replies_policy: input.repliesPolicy ?? row.replies_policy,
      exclusive: input.exclusive === undefined ? row.exclusive : input.exclusive ? 1 : 0,
    };
    await trx.updateTable("lists").set(next).where("id", "=", row.id).execute();
    return ok({ ...row, ...next });
  });
}

/** Deletes one of the member's lists with its accounts; false when there is no such list. */
export async function deleteList(
  s: SocialContext,
  member: Member,
  listId: string,
): Promise<boolean> {
  return s.db.transaction().execute(async (trx) => {
    const row = await listOf(trx, member.id, listId);
    if (!row) return false;
    await trx.deleteFrom("list_accounts").where("list_id", "=", row.id).execute();
    await trx.deleteFrom("lists").where("id", "=", row.id).execute();
    return true;
  });
}

/** Adds an actor the member follows to one of their lists (again: nothing changes). */
export async function addToList(
  s: SocialContext,
  member: Member,
  listId: string,
  actorUri: string,
): Promise<Result<null, ListProblem>> {
  return s.db.transaction().execute(async (trx) => {
    if (!(await listOf(trx, member.id, listId))) return fail("not-found" as const);
    if (!(await isFollowing(trx, memberUri(s.origin, member.username), actorUri)))
      return fail("not-following" as const);
    await trx
      .insertInto("list_accounts")
      .values({ list_id: listId, actor_uri: actorUri, created_at: s.clock.now().toISOString() })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return ok(null);
  });
}

/** Takes an actor out of one of the member's lists; false when there is no such list. */
export async function removeFromList(
  s: SocialContext,
  member: Member,
  listId: string,
  actorUri: string,
): Promise<boolean> {
  return s.db.transaction().execute(async (trx) => {
    if (!(await listOf(trx, member.id, listId))) return false;
    await trx
      .deleteFrom("list_accounts")
      .where("list_id", "=", listId)
      .where("actor_uri", "=", actorUri)
      .execute();
    return true;
  });
}
