/**
 * The cache of actors on other servers. Rows are written from documents Fedify
 * has fetched and verified (see lookup.ts); this module knows nothing of Fedify.
 */
import type { Kysely, Selectable } from "kysely";
import type { RemoteActorsTable } from "../db/schema/federation.ts";
import type { Schema } from "../db/schema.ts";
import type { Clock } from "../kernel/clock.ts";
import { newId } from "../kernel/ids.ts";
import { httpUrlOrNull } from "../kernel/safe-url.ts";
import { registerRemoteMedia } from "../storage/remote-media.ts";

export type RemoteActor = Selectable<RemoteActorsTable>;

/** Older than this, a cached actor is fetched again when next looked up. */
export const REFRESH_AFTER_MS = 24 * 3600_000;

export interface RemoteActorInput {
  uri: string;
  type: string;
  username: string;
  host: string;
  name: string;
  summary: string;
  url: string | null;
  avatarUrl: string | null;
  /** The header image; undefined leaves the stored one as it is. */
  headerUrl?: string | null;
  inbox: string;
  sharedInbox: string | null;
  followers: string | null;
  following: string | null;
  manuallyApprovesFollowers: boolean;
}

export async function upsertRemoteActor(
  db: Kysely<Schema>,
  input: RemoteActorInput,
  clock: Clock,
): Promise<RemoteActor> {
  const now = clock.now().toISOString();
  const fields = {
    handle: `${input.username}@${input.host}`.toLowerCase(),
    type: input.type,
    username: input.username,
    host: input.host,
    name: input.name,
    summary: input.summary,
    // Only http(s): a `javascript:` url would run in our origin when linked (issue 14).
    url: httpUrlOrNull(input.url),
    avatar_url: httpUrlOrNull(input.avatarUrl),
    ...(input.headerUrl !== undefined ? { header_url: httpUrlOrNull(input.headerUrl) } : {}),
    inbox_url: input.inbox,
    shared_inbox_url: input.sharedInbox,
    followers_url: input.followers,
    following_url: input.following,
    manually_approves: input.manuallyApprovesFollowers ? 1 : 0,
    gone: 0,
    fetched_at: now,
  };
  await registerRemoteMedia(db, [fields.avatar_url, fields.header_url], clock);
  await db
    .insertInto("remote_actors")
    .values({ id: newId(), uri: input.uri, created_at: now, ...fields })
    .onConflict((oc) => oc.column("uri").doUpdateSet(fields))
    .execute();
  return db
    .selectFrom("remote_actors")
    .selectAll()
    .where("uri", "=", input.uri)
    .executeTakeFirstOrThrow();
}

export function findRemoteActor(
  db: Kysely<Schema>,
  by: { uri: string } | { handle: string } | { id: string },
): Promise<RemoteActor | undefined> {
  let query = db.selectFrom("remote_actors").selectAll();
  if ("uri" in by) query = query.where("uri", "=", by.uri);
  else if ("id" in by) query = query.where("id", "=", by.id);
  else query = query.where("handle", "=", by.handle.toLowerCase().replace(/^@/, ""));
  return query.executeTakeFirst();
}

export function isStale(actor: RemoteActor, now = Date.now()): boolean {
  return now - Date.parse(actor.fetched_at) > REFRESH_AFTER_MS;
}

/** An actor deleted itself (Delete(Person)) or its server answered 410: forget its follows. */
export async function markGone(db: Kysely<Schema>, uri: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const actor = await trx
      .selectFrom("remote_actors")
      .select("id")
      .where("uri", "=", uri)
      .executeTakeFirst();
    if (!actor) return false;
    await trx
      .deleteFrom("follows")
      .where((eb) =>
        eb.or([eb("follower_remote_id", "=", actor.id), eb("followee_remote_id", "=", actor.id)]),
      )
      .execute();
    await trx.updateTable("remote_actors").set({ gone: 1 }).where("id", "=", actor.id).execute();
    return true;
  });
}

/** URIs of actors not gone whose handle (user@host) starts with the text (any case). */
export async function remoteActorsStartingWith(
  db: Kysely<Schema>,
  text: string,
  limit: number,
): Promise<string[]> {
  const prefix = `${text.toLowerCase().replace(/[%_\\]/g, "")}%`;
  const rows = await db
    .selectFrom("remote_actors")
    .select("uri")
    .where("gone", "=", 0)
    .where("handle", "like", prefix)
    .limit(limit)
    .execute();
  return rows.map((r) => r.uri);
}

/** The servers this node knows actors of (Mastodon's instance peers). */
export async function knownHosts(db: Kysely<Schema>): Promise<string[]> {
  const rows = await db.selectFrom("remote_actors").select("host").distinct().execute();
  return rows.map((r) => r.host);
}
