/**
 * What the streaming hub reads from the database each round: rows newer than a
 * cursor (ids are UUIDv7, so "new" is "greater than"), and the facts about a
 * post that decide who may receive it. Reads only; every read is capped.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { notLimited } from "../../social/timelines.ts";
import type { PostFacts } from "./audience.ts";

/** Rows read per kind and round; more wait for the next round (the cursor keeps them). */
const MAX_ROWS = 200;

/** The smallest UUIDv7 of a millisecond: a cursor for "made after this time". */
export function idAt(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}

/** New public posts (not boosts) for the public and hashtag streams. */
export async function newPublicPostIds(db: Kysely<Schema>, from: string): Promise<string[]> {
  const rows = await db
    .selectFrom("posts as p")
    .select("p.id")
    .where("p.id", ">", from)
    .where("p.visibility", "=", "public")
    .where("p.deleted_at", "is", null)
    .where("p.reblog_of_id", "is", null)
    .orderBy("p.id")
    .limit(MAX_ROWS)
    .execute();
  return rows.map((r) => r.id);
}

/** New entries in these members' home feeds (fan-out on write put them there). */
export function newHomeEntries(db: Kysely<Schema>, accountIds: string[], from: string) {
  return db
    .selectFrom("home_entries")
    .select(["account_id", "post_id"])
    .where("account_id", "in", accountIds)
    .where("post_id", ">", from)
    .orderBy("post_id")
    .limit(MAX_ROWS)
    .execute();
}

/** New notifications of these members. */
export function newNotifications(db: Kysely<Schema>, accountIds: string[], from: string) {
  return db
    .selectFrom("notifications")
    .select(["account_id", "id", "post_id", "from_uri"])
    .where("account_id", "in", accountIds)
    .where("id", ">", from)
    .orderBy("id")
    .limit(MAX_ROWS)
    .execute();
}

/**
 * Edits and deletions of this node's posts, from the outbox events the social
 * capability records in the same transaction as the change.
 */
export async function newEditsAndDeletes(db: Kysely<Schema>, from: string) {
  const rows = await db
    .selectFrom("outbox_events")
    .select(["id", "type", "payload"])
    .where("id", ">", from)
    .where("type", "in", ["post.updated", "post.deleted"])
    .orderBy("id")
    .limit(MAX_ROWS)
    .execute();
  return rows.flatMap((r) => {
    const postId = (JSON.parse(r.payload) as { postId?: unknown }).postId;
    if (typeof postId !== "string") return [];
    const event = r.type === "post.deleted" ? ("delete" as const) : ("status.update" as const);
    return [{ id: r.id, event, postId }];
  });
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
