/**
 * A person as their page here shows them, local or remote: who they are, their
 * counts, and where the viewer stands with them (following, requested, muted,
 * blocked). Local counts come from actor_stats (kept by triggers, migration
 * 0037); a remote person's from what their server last said (migration 0048),
 * null while unknown. Reads only: the acts are in federation/follows.ts and
 * social/moderation.ts.
 */
import type { Kysely } from "kysely";
import { bioHtml } from "../accounts/profile.ts";
import type { Schema } from "../db/schema.ts";
import { memberUri } from "../kernel/uris.ts";
import { mediaUrl } from "../storage/images.ts";
import { remoteMediaUrl } from "../storage/remote-media.ts";
import type { SocialContext } from "./context.ts";
import type { ActorTarget } from "./moderation.ts";
import { personPath } from "./views.ts";

/** A remote person's counts older than this are read again when their page is shown. */
export const COUNTS_FRESH_MS = 3600_000;

export interface PersonView {
  uri: string;
  /** Their page here: /@user or /@user@host. */
  path: string;
  local: boolean;
  accountId: string | null;
  remoteId: string | null;
  name: string;
  /** @user@host, for members too. */
  handle: string;
  host: string;
  /** Sanitized HTML. */
  bioHtml: string;
  avatarUrl: string | null;
  headerUrl: string | null;
  /** Their profile on their own server (remote only). */
  remoteUrl: string | null;
  posts: number | null;
  followers: number | null;
  following: number | null;
  /** When a remote person's counts were read (null: never; always null for a member). */
  countsFetchedAt: string | null;
  locked: boolean;
  gone: boolean;
}

export interface Standing {
  follow: "none" | "pending" | "accepted";
  /** When the viewer's follow was accepted (to tell whether counts read before are stale). */
  acceptedAt: string | null;
  followsYou: boolean;
  muted: boolean;
  blocked: boolean;
}

/** A member of this node, by username; null for none (or not active). */
export async function localPerson(s: SocialContext, username: string): Promise<PersonView | null> {
  const row = await s.db
    .selectFrom("accounts as a")
    .leftJoin("uploads as av", "av.id", "a.avatar_id")
    .leftJoin("uploads as hd", "hd.id", "a.header_id")
    .leftJoin("follow_policies as fp", "fp.account_id", "a.id")
    .select([
      "a.id",
      "a.username",
      "a.display_name",
      "a.bio",
      "a.status",
      "av.path as avatar_path",
      "hd.path as header_path",
      "fp.manually_approves",
    ])
    .where("a.username", "=", username)
    .executeTakeFirst();
  if (row?.status !== "active") return null;
  const uri = memberUri(s.origin, row.username);
  const stats = await s.db
    .selectFrom("actor_stats")
    .selectAll()
    .where("actor_uri", "=", uri)
    .executeTakeFirst();
  return {
    uri,
    path: `/@${row.username}`,
    local: true,
    accountId: row.id,
    remoteId: null,
    name: row.display_name || row.username,
    handle: `@${row.username}@${s.domain}`,
    host: s.domain,
    bioHtml: row.bio ? bioHtml(row.bio) : "",
    avatarUrl: row.avatar_path ? mediaUrl(row.avatar_path) : null,
    headerUrl: row.header_path ? mediaUrl(row.header_path) : null,
    remoteUrl: null,
    posts: Number(stats?.statuses_count ?? 0),
    followers: Number(stats?.followers_count ?? 0),
    following: Number(stats?.following_count ?? 0),
    countsFetchedAt: null,
    locked: row.manually_approves === 1,
    gone: false,
  };
}

/** A remote person we know, by handle (user@host) or by URI; null when not cached. */
export async function remotePerson(
  db: Kysely<Schema>,
  by: { handle: string } | { uri: string },
): Promise<PersonView | null> {
  const query = db.selectFrom("remote_actors").selectAll();
  const r = await ("uri" in by
    ? query.where("uri", "=", by.uri)
    : query.where("handle", "=", by.handle.toLowerCase())
  ).executeTakeFirst();
  if (!r) return null;
  return {
    uri: r.uri,
    path: personPath(r.handle) ?? `/@${r.handle}`,
    local: false,
    accountId: null,
    remoteId: r.id,
    name: r.name || r.username,
    handle: `@${r.handle}`,
    host: r.host,
    bioHtml: r.summary ? bioHtml(r.summary) : "",
    avatarUrl: r.avatar_url ? remoteMediaUrl(r.avatar_url) : null,
    headerUrl: r.header_url ? remoteMediaUrl(r.header_url) : null,
    remoteUrl: r.url ?? r.uri,
    posts: r.posts_count,
    followers: r.followers_count,
    following: r.following_count,
    countsFetchedAt: r.counts_fetched_at,
    locked: r.manually_approves === 1,
    gone: r.gone === 1,
  };
}

/** A person we already know by URI: a member here, or a cached remote actor. */
export async function knownPerson(s: SocialContext, uri: string): Promise<PersonView | null> {
  const prefix = memberUri(s.origin, "");
  if (uri.startsWith(prefix)) {
    const username = uri.slice(prefix.length);
    return /^[A-Za-z0-9_]{1,30}$/.test(username) ? localPerson(s, username) : null;
  }
  return remotePerson(s.db, { uri });
}

export const targetOf = (p: PersonView): ActorTarget => ({
  uri: p.uri,
  accountId: p.accountId,
  remoteId: p.remoteId,
});

/** Where the viewer stands with the person: two queries, whatever the page. */
export async function standingWith(
  db: Kysely<Schema>,
  viewer: { id: string; uri: string },
  personUri: string,
): Promise<Standing> {
  const [follows, filters] = await Promise.all([
    db
      .selectFrom("follows")
      .select(["follower_uri", "status", "accepted_at"])
      .where((eb) =>
        eb.or([
          eb.and([eb("follower_uri", "=", viewer.uri), eb("followee_uri", "=", personUri)]),
          eb.and([eb("follower_uri", "=", personUri), eb("followee_uri", "=", viewer.uri)]),
        ]),
      )
      .execute(),
    db
      .selectFrom("actor_filters")
      .select("kind")
      .where("account_id", "=", viewer.id)
      .where("target_uri", "=", personUri)
      .execute(),
  ]);
  const mine = follows.find((f) => f.follower_uri === viewer.uri);
  return {
    follow: mine ? mine.status : "none",
    acceptedAt: mine?.accepted_at ?? null,
    followsYou: follows.some((f) => f.follower_uri === personUri && f.status === "accepted"),
    muted: filters.some((f) => f.kind === "mute"),
    blocked: filters.some((f) => f.kind === "block"),
  };
}

/**
 * Whether a remote person's counts should be read again: never read, older than
 * COUNTS_FRESH_MS, or read before the viewer's follow was accepted (the count moved).
 */
export function countsStale(p: PersonView, standing: Standing | null, now: Date): boolean {
  if (p.local || p.gone) return false;
  if (!p.countsFetchedAt) return true;
  if (now.getTime() - Date.parse(p.countsFetchedAt) > COUNTS_FRESH_MS) return true;
  return !!standing?.acceptedAt && standing.acceptedAt > p.countsFetchedAt;
}

/** The viewer's follow of a remote person changed: their counts are read again on the next view. */
export async function forgetCounts(db: Kysely<Schema>, remoteId: string): Promise<void> {
  await db
    .updateTable("remote_actors")
    .set({ counts_fetched_at: null })
    .where("id", "=", remoteId)
    .execute();
}
