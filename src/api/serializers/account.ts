/**
 * Account (docs.joinmastodon.org/entities/Account) for members of this node and
 * for remote actors we know. Ids: a member's account id, a remote actor's
 * remote_actors id — both UUIDv7, so they never clash. Loaded by actor URI in a
 * fixed number of queries for a whole page.
 */
import type { Kysely } from "kysely";
import { bioHtml, parseFields, sanitizeBio } from "../../accounts/profile.ts";
import { prepared } from "../../db/prepared.ts";
import type { Schema } from "../../db/schema.ts";
import { memoize } from "../../kernel/memo.ts";
import { memberPrefix, memberUri } from "../../kernel/uris.ts";
import { htmlToText } from "../../social/content.ts";
import { mediaUrl } from "../../storage/images.ts";
import { remoteMediaUrl } from "../../storage/remote-media.ts";
import { cachePerDatabase } from "../cache.ts";

export interface ApiAccount {
  id: string;
  username: string;
  acct: string;
  url: string;
  uri: string;
  display_name: string;
  note: string;
  avatar: string;
  avatar_static: string;
  header: string;
  header_static: string;
  locked: boolean;
  fields: { name: string; value: string; verified_at: string | null }[];
  emojis: never[];
  bot: boolean;
  group: boolean;
  discoverable: boolean | null;
  indexable: boolean;
  hide_collections: boolean | null;
  noindex: boolean;
  memorial: boolean | null;
  created_at: string;
  last_status_at: string | null;
  statuses_count: number;
  followers_count: number;
  following_count: number;
  /** Only on the member's own account (CredentialAccount). */
  source?: {
    privacy: string;
    sensitive: boolean;
    language: string;
    note: string;
    fields: { name: string; value: string; verified_at: null }[];
    follow_requests_count: number;
  };
  role?: { id: string; name: string; color: string; permissions: string; highlighted: boolean };
  /** The account it moved to (moving/), one level deep, present only when it moved (as Mastodon). */
  moved?: ApiAccount;
}

export const MISSING_AVATAR = "/avatars/original/missing.png";
export const MISSING_HEADER = "/headers/original/missing.png";

// Every page shows the same few hundred authors: their bios are sanitized and their
// avatars' addresses hashed once, not once per appearance (pure functions of the text).
const remoteBio = memoize(sanitizeBio, 1000);
const localBio = memoize(bioHtml, 1000);
const remoteMedia = memoize(remoteMediaUrl, 4000);

/** Start of the day (Mastodon gives last_status_at as a date). */
const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : null);

export interface AccountLoader {
  db: Kysely<Schema>;
  origin: string;
  domain: string;
}

export type Counts = {
  followers: number;
  following: number;
  statuses: number;
  last: string | null;
};

const statsOf = prepared((db, a: { uris: readonly string[] }) =>
  db.selectFrom("actor_stats").selectAll().where("actor_uri", "in", a.uris),
);

/** Each actor's counts, from actor_stats (kept by triggers, migration 0037): one row per actor. */
async function counts(l: AccountLoader, uris: string[]): Promise<Map<string, Counts>> {
  const out = new Map<string, Counts>();
  if (uris.length === 0) return out;
  const rows = await statsOf(l.db, { uris });
  for (const r of rows)
    out.set(r.actor_uri, {
      followers: Number(r.followers_count),
      following: Number(r.following_count),
      statuses: Number(r.statuses_count),
      last: r.last_status_at,
    });
  return out;
}

/**
 * What an Account shows but its counts, kept per node (cachePerDatabase)
 * and dropped when one of the tables it is read from is written by this process, or
 * after a second (another process's write). The counts change with every post and
 * follow (actor_stats, kept by triggers), so they are read each time: one query.
 */
const accountCache = cachePerDatabase<string, ApiAccount | null>({
  tables: ["accounts", "uploads", "follow_policies", "remote_actors", "actor_moves"],
  max: 5000,
});

/**
 * What a remote account's own server says of it (remote_actors' posts, followers and
 * following counts, read by person-refresh.ts), by the kept account object: a
 * refresh writes remote_actors, which drops the kept object and this with it.
 * Each unknown figure (never read, or the server hides it) falls back to ours.
 */
const remoteFigures = new WeakMap<ApiAccount, Partial<Counts>>();

/** The counts an account shows: the remote server's where known, else what we know. */
function figures(a: ApiAccount, n: Counts | undefined) {
  const r = remoteFigures.get(a);
  return {
    statuses: r?.statuses ?? n?.statuses ?? 0,
    followers: r?.followers ?? n?.followers ?? 0,
    following: r?.following ?? n?.following ?? 0,
  };
}

/** Accounts for these actor URIs (unknown URIs are left out). */
export async function loadAccounts(
  l: AccountLoader,
  uris: string[],
  nested = false,
): Promise<Map<string, ApiAccount>> {
  const { statics, numbers } = await staticsWithCounts(l, uris, nested);
  const withCounts = (a: ApiAccount): ApiAccount => {
    const n = numbers.get(a.uri);
    const f = figures(a, n);
    return {
      ...a,
      last_status_at: day(n?.last),
      statuses_count: f.statuses,
      followers_count: f.followers,
      following_count: f.following,
      ...(a.moved ? { moved: withCounts(a.moved) } : {}),
    };
  };
  const out = new Map<string, ApiAccount>();
  for (const [uri, a] of statics) out.set(uri, withCounts(a));
  return out;
}

/** An Account as JSON text, and what a Mention shows of it (status-json.ts). */
export interface AccountJson {
  /** What is kept of the account (counts at 0): id, username, url, acct for mentions. */
  account: ApiAccount;
  json: string;
}

// A kept account's JSON but its counts and `moved`, by the kept object itself: a new
// object (the account changed) makes a new text; a dropped one takes its text along.
const jsonHeads = new WeakMap<ApiAccount, string>();

function jsonHead(a: ApiAccount): string {
  let head = jsonHeads.get(a);
  if (head === undefined) {
    const { last_status_at, statuses_count, followers_count, following_count, moved, ...rest } = a;
    head = JSON.stringify(rest).slice(0, -1);
    jsonHeads.set(a, head);
  }
  return head;
}

/**
 * Accounts as JSON text (the same entity as loadAccounts, its fields in another
 * order): the kept part's text is made once, the counts read and joined to it.
 */
export async function loadAccountJson(
  l: AccountLoader,
  uris: string[],
  /**
   * Counts already read (with the posts, status-json.ts): then only the accounts
   * moved to are counted here, and an account counted nowhere shows zeros (a
   * mention's, whose JSON is not shown).
   */
  known?: ReadonlyMap<string, Counts>,
): Promise<Map<string, AccountJson>> {
  const { statics, numbers } = await staticsWithCounts(l, uris, false, known);
  const text = (a: ApiAccount): string => {
    const n = numbers.get(a.uri);
    const last = day(n?.last);
    const f = figures(a, n);
    return `${jsonHead(a)},"last_status_at":${last === null ? "null" : `"${last}"`},"statuses_count":${f.statuses},"followers_count":${f.followers},"following_count":${f.following}${a.moved ? `,"moved":${text(a.moved)}` : ""}}`;
  };
  const out = new Map<string, AccountJson>();
  for (const [uri, a] of statics) out.set(uri, { account: a, json: text(a) });
  return out;
}

/** The kept part of each account (built on a miss) and every count they show, in one query. */
async function staticsWithCounts(
  l: AccountLoader,
  uris: string[],
  nested: boolean,
  known?: ReadonlyMap<string, Counts>,
) {
  const unique = [...new Set(uris)];
  const statics = new Map<string, ApiAccount>();
  if (unique.length === 0) return { statics, numbers: new Map<string, Counts>() };
  const cache = accountCache(l.db);
  const missing: string[] = [];
  const key = nested ? "nested " : "";
  for (const uri of unique) {
    const hit = cache?.get(key + uri);
    if (hit === undefined) missing.push(uri);
    else if (hit) statics.set(uri, hit);
  }
  if (missing.length) {
    const writes = cache?.writes;
    const built = await buildAccounts(l, missing, nested);
    for (const uri of missing) {
      const account = built.get(uri);
      if (account) statics.set(uri, account);
      cache?.set(key + uri, account ?? null, writes);
    }
  }
  // Counts of the accounts and of those they moved to, fresh.
  if (known) {
    const moved: string[] = [];
    for (const a of statics.values())
      if (a.moved && !known.has(a.moved.uri)) moved.push(a.moved.uri);
    if (moved.length === 0) return { statics, numbers: known };
    const numbers = new Map(known);
    for (const [uri, n] of await counts(l, moved)) numbers.set(uri, n);
    return { statics, numbers };
  }
  const counted = [...statics.keys()];
  for (const a of statics.values()) if (a.moved) counted.push(a.moved.uri);
  return { statics, numbers: await counts(l, counted) };
}

/** Accounts for these actor URIs, their counts left at 0 (loadAccounts reads them). */
async function buildAccounts(
  l: AccountLoader,
  unique: string[],
  nested: boolean,
): Promise<Map<string, ApiAccount>> {
  const out = new Map<string, ApiAccount>();
  const prefix = memberPrefix(l.origin);
  const names = unique.filter((u) => u.startsWith(prefix)).map((u) => u.slice(prefix.length));
  const [locals, remotes] = await Promise.all([
    names.length
      ? l.db
          .selectFrom("accounts as a")
          .leftJoin("uploads as av", "av.id", "a.avatar_id")
          .leftJoin("uploads as hd", "hd.id", "a.header_id")
          .leftJoin("follow_policies as fp", "fp.account_id", "a.id")
          .select([
            "a.id",
            "a.username",
            "a.display_name",
            "a.bio",
            "a.fields",
            "a.created_at",
            "a.status",
            "av.path as avatar",
            "hd.path as header",
            "fp.manually_approves",
          ])
          .where("a.username", "in", names)
          .execute()
      : [],
    l.db.selectFrom("remote_actors").selectAll().where("uri", "in", unique).execute(),
  ]);
  const abs = (path: string) => `${l.origin}${path}`;
  for (const a of locals) {
    if (a.status === "deleted") continue;
    const uri = `${prefix}${a.username}`;
    const avatar = abs(a.avatar ? mediaUrl(a.avatar) : MISSING_AVATAR);
    const header = abs(a.header ? mediaUrl(a.header) : MISSING_HEADER);
    out.set(uri, {
      id: a.id,
      username: a.username,
      acct: a.username,
      url: `${l.origin}/@${a.username}`,
      uri,
      display_name: a.display_name,
      note: localBio(a.bio),
      avatar,
      avatar_static: avatar,
      header,
      header_static: header,
      locked: a.manually_approves === 1,
      fields: parseFields(a.fields).map((f) => ({ ...f, verified_at: null })),
      emojis: [],
      bot: false,
      group: false,
      discoverable: true,
      indexable: false,
      hide_collections: false,
      noindex: false,
      memorial: false,
      created_at: new Date(a.created_at).toISOString(),
      last_status_at: null,
      statuses_count: 0,
      followers_count: 0,
      following_count: 0,
    });
  }
  for (const r of remotes) {
    const avatar = abs(r.avatar_url ? remoteMedia(r.avatar_url) : MISSING_AVATAR);
    const header = abs(r.header_url ? remoteMedia(r.header_url) : MISSING_HEADER);
    const account: ApiAccount = {
      id: r.id,
      username: r.username,
      acct: `${r.username}@${r.host}`,
      url: r.url ?? r.uri,
      uri: r.uri,
      display_name: r.name,
      note: remoteBio(r.summary),
      avatar,
      avatar_static: avatar,
      header,
      header_static: header,
      locked: r.manually_approves === 1,
      fields: [],
      emojis: [],
      bot: r.type === "Service" || r.type === "Application",
      group: r.type === "Group",
      discoverable: null,
      indexable: false,
      hide_collections: null,
      noindex: false,
      memorial: null,
      created_at: new Date(r.created_at).toISOString(),
      last_status_at: null,
      statuses_count: 0,
      followers_count: 0,
      following_count: 0,
    };
    remoteFigures.set(account, {
      statuses: r.posts_count ?? undefined,
      followers: r.followers_count ?? undefined,
      following: r.following_count ?? undefined,
    });
    out.set(r.uri, account);
  }
  if (!nested) await addMoved(l, out);
  return out;
}

/** Sets `moved` on the accounts that moved, to the account they moved to (not nested further). */
async function addMoved(l: AccountLoader, out: Map<string, ApiAccount>) {
  if (out.size === 0) return;
  const moves = await l.db
    .selectFrom("actor_moves")
    .select(["actor_uri", "target_uri"])
    .where("actor_uri", "in", [...out.keys()])
    .execute();
  if (moves.length === 0) return;
  const targets = await buildAccounts(l, [...new Set(moves.map((m) => m.target_uri))], true);
  for (const m of moves) {
    const account = out.get(m.actor_uri);
    const target = targets.get(m.target_uri);
    if (account && target) account.moved = target;
  }
}

export async function loadAccount(l: AccountLoader, uri: string): Promise<ApiAccount | undefined> {
  return (await loadAccounts(l, [uri])).get(uri);
}

/** The actor behind an API account id: a member here or a known remote actor. */
export async function actorById(l: AccountLoader, id: string) {
  const local = await l.db
    .selectFrom("accounts")
    .select(["id", "username", "status"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (local && local.status === "active")
    return {
      uri: memberUri(l.origin, local.username),
      local: { id: local.id, username: local.username },
      remote: null,
    };
  if (local) return undefined;
  const remote = await l.db
    .selectFrom("remote_actors")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  if (!remote || remote.gone) return undefined;
  return { uri: remote.uri, local: null, remote };
}

/** The member's own account with `source` (CredentialAccount). */
export async function credentialAccount(
  l: AccountLoader,
  account: { id: string; username: string },
  extra: { followRequests: number; role: string },
): Promise<ApiAccount | undefined> {
  const uri = memberUri(l.origin, account.username);
  const base = await loadAccount(l, uri);
  const row = await l.db
    .selectFrom("accounts")
    .select(["bio", "fields", "language"])
    .where("id", "=", account.id)
    .executeTakeFirst();
  if (!base || !row) return undefined;
  return {
    ...base,
    source: {
      privacy: "public",
      sensitive: false,
      language: row.language,
      note: htmlToText(row.bio),
      fields: parseFields(row.fields).map((f) => ({ ...f, verified_at: null })),
      follow_requests_count: extra.followRequests,
    },
    role: {
      id: extra.role === "admin" ? "3" : extra.role === "moderator" ? "2" : "-99",
      name: extra.role === "member" ? "" : extra.role === "admin" ? "Admin" : "Moderator",
      color: "",
      permissions: extra.role === "admin" ? "1" : "0",
      highlighted: extra.role !== "member",
    },
  };
}
