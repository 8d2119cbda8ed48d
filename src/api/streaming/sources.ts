/**
 * What the streaming hub reads from the database each round: rows newer than a
 * cursor (ids are UUIDv7, so "new" is "greater than"), and the facts about a
 * post that decide who may receive it. Reads only; every read is capped.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { notLimited } from "../../social/timelines.ts";
import type { PostFacts } from "./audience.ts";

/** Rows per page of a read. */
const PAGE_ROWS = 200;
/**
 * Pages per kind and round: a read goes on past a full page (rows already sent
 * come back within the look-back), so a burst of up to PAGE_ROWS × MAX_PAGES is
 * read whole rather than the same first page every round.
 */
const MAX_PAGES = 5;

/** The smallest UUIDv7 of a millisecond: a cursor for "made after this time". */
export function idAt(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}

/** Reads page after page from `first`, each page after the last row of the one before. */
async function paged<T, C>(first: C, read: (after: C) => Promise<T[]>, next: (row: T) => C) {
  const out: T[] = [];
  let after = first;
  for (let page = 0; page < MAX_PAGES; page++) {
    const rows = await read(after);
    out.push(...rows);
    const last = rows.at(-1);
    if (rows.length < PAGE_ROWS || last === undefined) break;
    after = next(last);
  }
  return out;
}

/** New public posts (not boosts) for the public and hashtag streams. */
export async function newPublicPostIds(db: Kysely<Schema>, from: string): Promise<string[]> {
  const rows = await paged(
    from,
    (after) =>
      db
        .selectFrom("posts as p")
        .select("p.id")
        .where("p.id", ">", after)
        .where("p.visibility", "=", "public")
        .where("p.deleted_at", "is", null)
        .where("p.reblog_of_id", "is", null)
        .orderBy("p.id")
        .limit(PAGE_ROWS)
        .execute(),
    (r) => r.id,
  );
  return rows.map((r) => r.id);
}

/** New posts (threads and replies) in these groups, for the lists that show them. */
export async function newGroupPostIds(
  db: Kysely<Schema>,
  audienceUris: string[],
  from: string,
): Promise<string[]> {
  if (audienceUris.length === 0) return [];
  const rows = await paged(
    from,
    (after) =>
      db
        .selectFrom("posts as p")
        .select("p.id")
        .where("p.audience_uri", "in", audienceUris)
        .where("p.id", ">", after)
        .where("p.deleted_at", "is", null)
        .where("p.reblog_of_id", "is", null)
        .orderBy("p.id")
        .limit(PAGE_ROWS)
        .execute(),
    (r) => r.id,
  );
  return rows.map((r) => r.id);
}

/**
 * New entries in these members' home feeds (fan-out on write put them there),
 * paged by (post, member): one post reaches every connected member's home.
 */
export function newHomeEntries(db: Kysely<Schema>, accountIds: string[], from: string) {
  return paged(
    { postId: from, accountId: null as string | null },
    (after) =>
      db
        .selectFrom("home_entries")
        .select(["account_id", "post_id"])
        .where("account_id", "in", accountIds)
        .where((eb) =>
          after.accountId === null
            ? eb("post_id", ">", after.postId)
            : eb.or([
                eb("post_id", ">", after.postId),
                eb.and([eb("post_id", "=", after.postId), eb("account_id", ">", after.accountId)]),
              ]),
        )
        .orderBy("post_id")
        .orderBy("account_id")
        .limit(PAGE_ROWS)
        .execute(),
    (r) => ({ postId: r.post_id, accountId: r.account_id as string | null }),
  );
}

/** New notifications of these members. */
export function newNotifications(db: Kysely<Schema>, accountIds: string[], from: string) {
  return paged(
    from,
    (after) =>
      db
        .selectFrom("notifications")
        .select(["account_id", "id", "post_id", "from_uri"])
        .where("account_id", "in", accountIds)
        .where("id", ">", after)
        .orderBy("id")
        .limit(PAGE_ROWS)
        .execute(),
    (r) => r.id,
  );
}

/**
 * Edits of any post, local or remote: each edit keeps the version it replaced as a
 * post_edits row (src/social/edits.ts), whose id says when. Deletions of this
 * node's posts, and of posts in its groups: the social.post.deleted or groups.post.deleted
 * outbox event recorded with the deletion (another remote deletion leaves no row that says
 * when, so it is not pushed).
 */
export async function newEditsAndDeletes(db: Kysely<Schema>, from: string) {
  const [edits, deletes] = await Promise.all([
    paged(
      from,
      (after) =>
        db
          .selectFrom("post_edits")
          .select(["id", "post_id"])
          .where("id", ">", after)
          .orderBy("id")
          .limit(PAGE_ROWS)
          .execute(),
      (r) => r.id,
    ),
    paged(
      from,
      (after) =>
        db
          .selectFrom("outbox_events")
          .select(["id", "payload"])
          .where("id", ">", after)
          .where("type", "in", ["social.post.deleted", "groups.post.deleted"])
          .orderBy("id")
          .limit(PAGE_ROWS)
          .execute(),
      (r) => r.id,
    ),
  ]);
  return [
    ...edits.map((e) => ({ id: e.id, event: "status.update" as const, postId: e.post_id })),
    ...deletes.flatMap((r) => {
      const postId = (JSON.parse(r.payload) as { postId?: unknown }).postId;
      return typeof postId === "string" ? [{ id: r.id, event: "delete" as const, postId }] : [];
    }),
  ].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** What decides who may receive each post (deleted ones included: their rows stay). */
export async function postFacts(
  db: Kysely<Schema>,
  ids: string[],
): Promise<Map<string, PostFacts>> {
  const out = new Map<string, PostFacts>();
  if (ids.length === 0) return out;
  const load = (which: string[]) =>
    db
      .selectFrom("posts as p")
      .select((eb) => [
        "p.id",
        "p.local",
        "p.visibility",
        "p.author_uri",
        "p.deleted_at",
        "p.reblog_of_id",
        "p.audience_uri",
        notLimited(eb).as("unlimited"),
      ])
      .where("p.id", "in", which)
      .execute();
  const rows = await load(ids);
  const innerIds = rows.flatMap((r) => (r.reblog_of_id ? [r.reblog_of_id] : []));
  const inner = innerIds.length ? await load(innerIds) : [];
  const tags = await db
    .selectFrom("post_tags")
    .select(["post_id", "tag"])
    .where("post_id", "in", ids)
    .execute();
  for (const r of rows) {
    const boosted = inner.find((i) => i.id === r.reblog_of_id);
    out.set(r.id, {
      id: r.id,
      local: !!r.local,
      visibility: r.visibility,
      authorUri: r.author_uri,
      deleted: r.deleted_at !== null,
      reblog: boosted
        ? { id: boosted.id, visibility: boosted.visibility, authorUri: boosted.author_uri }
        : null,
      tags: tags.filter((t) => t.post_id === r.id).map((t) => t.tag.toLowerCase()),
      audienceUri: r.audience_uri,
      // SQLite answers 1/0, PostgreSQL true/false.
      broadcastable: !!r.unlimited,
    });
  }
  return out;
}

/** Which of these members have the post in their home feed (edits reach them there). */
export async function homesHolding(
  db: Kysely<Schema>,
  postId: string,
  accountIds: string[],
): Promise<Set<string>> {
  if (accountIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("home_entries")
    .select("account_id")
    .where("post_id", "=", postId)
    .where("account_id", "in", accountIds)
    .execute();
  return new Set(rows.map((r) => r.account_id));
}

/**
 * Which of these members had a deleted post in their home (its entries went with
 * it): its author, those it mentioned, and the author's accepted followers.
 */
export async function homesThatHeld(
  db: Kysely<Schema>,
  post: PostFacts,
  members: { id: string; uri: string }[],
): Promise<Set<string>> {
  if (members.length === 0) return new Set();
  const uris = members.map((m) => m.uri);
  const [mentioned, following] = await Promise.all([
    db
      .selectFrom("post_mentions")
      .select("actor_uri")
      .where("post_id", "=", post.id)
      .where("actor_uri", "in", uris)
      .execute(),
    db
      .selectFrom("follows")
      .select("follower_uri")
      .where("followee_uri", "=", post.authorUri)
      .where("follower_uri", "in", uris)
      .where("status", "=", "accepted")
      .execute(),
  ]);
  const held = new Set([
    post.authorUri,
    ...mentioned.map((m) => m.actor_uri),
    ...following.map((f) => f.follower_uri),
  ]);
  return new Set(members.filter((m) => held.has(m.uri)).map((m) => m.id));
}

/** The accounts in each of these lists, for the lists that belong to their subscriber. */
export async function listMembers(
  db: Kysely<Schema>,
  listIds: string[],
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (listIds.length === 0) return out;
  const rows = await db
    .selectFrom("list_accounts")
    .select(["list_id", "actor_uri"])
    .where("list_id", "in", listIds)
    .execute();
  for (const r of rows) {
    const set = out.get(r.list_id) ?? new Set<string>();
    set.add(r.actor_uri);
    out.set(r.list_id, set);
  }
  return out;
}

/** Whether this list belongs to this member (only its owner may stream it). */
export async function ownsList(db: Kysely<Schema>, accountId: string, listId: string) {
  const row = await db
    .selectFrom("lists")
    .select("id")
    .where("id", "=", listId)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return !!row;
}
