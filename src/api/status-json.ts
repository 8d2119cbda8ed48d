/**
 * Statuses as JSON text for a page of post ids (issue 24): the same entities as
 * serializers/status.ts (and filter.ts) make, joined from kept fragments
 * (status-fragments.ts) and what changes per request, in a fixed number of
 * queries: the posts' stamps and counts (one), the accounts' counts (one), the
 * viewer's flags and poll votes (one, signed in), the polls (one, when the page
 * has polls), decision polls (one, when the page has a thread's root with a
 * title). Only fragments not kept are hydrated. Visibility stays with whoever
 * chose the ids (the timeline's query, canSee): nothing here is per viewer but the
 * flags, votes and filters, read for this viewer on every request.
 */
import { sql } from "kysely";
import { prepared } from "../db/prepared.ts";
import type { FilterContext } from "../db/schema/social.ts";
import type { SocialContext } from "../social/context.ts";
import { type FilterMatch, matchPost } from "../social/filter-matching.ts";
import { isClosed, parseOptions } from "../social/polls.ts";
import type { ViewerRef } from "../social/visibility.ts";
import { type AccountLoader, type Counts, loadAccountJson } from "./serializers/account.ts";
import { decisionPollsOf } from "./serializers/decision.ts";
import { resultJson, viewerFilters } from "./serializers/filter.ts";
import { serializePoll } from "./serializers/status.ts";
import { buildFragments, fragmentCache, type StatusFragment, stampOf } from "./status-fragments.ts";

/** What is read of each post per request: its stamp, its counts, what it boosts. */
export const POST_COLUMNS = [
  "id",
  "reblog_of_id",
  "author_uri",
  "created_at",
  "edited_at",
  "deleted_at",
  "in_reply_to_id",
  "title",
  "has_poll",
  "replies_count",
  "reblogs_count",
  "likes_count",
] as const;

/**
 * Posts by id, and then the posts those boost, when not already read: plain key
 * lookups. (A union of the two, as hydrate's, let SQLite walk the posts_reblog
 * index for "reblog_of_id is not null" when the list was short: 0.4 ms for 8 ids.)
 */
const rowsOf = prepared((db, a: { ids: readonly string[] }) =>
  db
    .selectFrom("posts as p")
    .leftJoin("actor_stats as st", "st.actor_uri", "p.author_uri")
    .select(POST_COLUMNS.map((c) => `p.${c}` as const))
    .select(AUTHOR_COUNT_SELECTIONS)
    .where("p.id", "in", a.ids),
);
type Row = Awaited<ReturnType<typeof rowsOf>>[number];

/** The posts a page boosts, with their polls (read in the same wave as the page's polls). */
const boostedRowsOf = prepared((db, a: { ids: readonly string[] }) =>
  db
    .selectFrom("posts as p")
    .leftJoin("actor_stats as st", "st.actor_uri", "p.author_uri")
    .leftJoin("polls as pl", "pl.post_id", "p.id")
    .select(POST_COLUMNS.map((c) => `p.${c}` as const))
    .select(AUTHOR_COUNT_SELECTIONS)
    .select([
      "pl.post_id as poll_post_id",
      "pl.multiple as poll_multiple",
      "pl.options as poll_options",
      "pl.voters_count as poll_voters_count",
      "pl.expires_at as poll_expires_at",
      "pl.closed_at as poll_closed_at",
      "pl.ended_notified as poll_ended_notified",
    ])
    .where("p.id", "in", a.ids),
);

/**
 * The post author's counts beside the post's columns (`actor_stats as st` joined
 * on the author), as the pages' queries read them (social/pager.ts AUTHOR_COUNTS):
 * no statement of their own (issue 24).
 */
export const AUTHOR_COUNT_SELECTIONS = [
  "st.statuses_count as author_statuses_count",
  "st.followers_count as author_followers_count",
  "st.following_count as author_following_count",
  "st.last_status_at as author_last_status_at",
] as const;

/** The authors' counts of rows read with AUTHOR_COUNT_SELECTIONS (none where a row was read without them). */
function authorCounts(rows: Iterable<Row>): Map<string, Counts> | undefined {
  const out = new Map<string, Counts>();
  for (const r of rows) {
    if (r.author_statuses_count === undefined) return undefined;
    out.set(r.author_uri, {
      statuses: Number(r.author_statuses_count ?? 0),
      followers: Number(r.author_followers_count ?? 0),
      following: Number(r.author_following_count ?? 0),
      last: r.author_last_status_at ?? null,
    });
  }
  return out;
}

const pollsOf = prepared((db, a: { ids: readonly string[] }) =>
  db.selectFrom("polls").selectAll().where("post_id", "in", a.ids),
);
export type PollRow = Awaited<ReturnType<typeof pollsOf>>[number];

/**
 * What the viewer did to the page's posts, in one query: liked (f), boosted (r),
 * bookmarked (b), voted (v, with the choice); and which are pinned (p, by their
 * author: hydrate's rule).
 */
const flagsOf = prepared((db, a: { uri: string; id: string; ids: readonly string[] }) =>
  db
    .selectFrom("likes")
    .select([sql<string>`'f'`.as("k"), "post_id", sql<number>`0`.as("choice")])
    .where("actor_uri", "=", a.uri)
    .where("post_id", "in", a.ids)
    .unionAll((eb) =>
      eb
        .selectFrom("posts")
        .select([
          sql<string>`'r'`.as("k"),
          sql<string>`${sql.ref("reblog_of_id")}`.as("post_id"),
          sql<number>`0`.as("choice"),
        ])
        .where("author_uri", "=", a.uri)
        .where("reblog_of_id", "in", a.ids),
    )
    .unionAll((eb) =>
      eb
        .selectFrom("bookmarks")
        .select([sql<string>`'b'`.as("k"), "post_id", sql<number>`0`.as("choice")])
        .where("account_id", "=", a.id)
        .where("post_id", "in", a.ids),
    )
    .unionAll((eb) =>
      eb
        .selectFrom("pins")
        .select([sql<string>`'p'`.as("k"), "post_id", sql<number>`0`.as("choice")])
        .where("post_id", "in", a.ids),
    )
    .unionAll((eb) =>
      eb
        .selectFrom("poll_votes")
        .select([sql<string>`'v'`.as("k"), "post_id", "choice"])
        .where("voter_uri", "=", a.uri)
        .where("post_id", "in", a.ids),
    ),
);

interface Flags {
  liked: Set<string>;
  boosted: Set<string>;
  marked: Set<string>;
  pinned: Set<string>;
  votes: Map<string, number[]>;
}

async function flagsFor(l: AccountLoader, viewer: ViewerRef, ids: string[]): Promise<Flags> {
  const out: Flags = {
    liked: new Set(),
    boosted: new Set(),
    marked: new Set(),
    pinned: new Set(),
    votes: new Map(),
  };
  for (const f of await flagsOf(l.db, { uri: viewer.uri, id: viewer.id, ids })) {
    if (f.k === "f") out.liked.add(f.post_id);
    else if (f.k === "r") out.boosted.add(f.post_id);
    else if (f.k === "b") out.marked.add(f.post_id);
    else if (f.k === "p") out.pinned.add(f.post_id);
    else {
      const votes = out.votes.get(f.post_id);
      if (votes) votes.push(Number(f.choice));
      else out.votes.set(f.post_id, [Number(f.choice)]);
    }
  }
  return out;
}

export interface RenderedStatuses {
  /** Each shown status's JSON by its id, in the ids' order. */
  json: Map<string, string>;
  /** The ids hydrate would have kept (not deleted, nor a boost of a deleted post), before filters: a page's cursors. */
  present: string[];
}

/**
 * The Statuses of these posts for this viewer, as JSON text: deleted posts (and
 * boosts of deleted posts), posts whose author is unknown and, in a filter
 * context, posts the viewer's "hide" filters match are left out.
 */
export async function renderStatuses(
  s: SocialContext,
  l: AccountLoader,
  viewer: ViewerRef | null,
  ids: string[],
  context: FilterContext | null,
  /** The posts' POST_COLUMNS when the page's query read them (timelinePageIds): then only boosted posts are read. */
  known: Record<string, unknown>[] = [],
  /** Polls read with the posts (renderStatus), by post id: those are not read again. */
  knownPolls: ReadonlyMap<string, PollRow> = new Map(),
): Promise<RenderedStatuses> {
  const json = new Map<string, string>();
  const present: string[] = [];
  if (ids.length === 0) return { json, present };
  const byId = new Map<string, Row>();
  for (const r of known.length ? (known as Row[]) : await rowsOf(l.db, { ids })) byId.set(r.id, r);
  const boosted = new Set<string>();
  for (const r of byId.values())
    if (r.reblog_of_id && !byId.has(r.reblog_of_id)) boosted.add(r.reblog_of_id);
  // What the boosted posts are, the viewer's flags, the polls and the filters in one
  // wave: each needs only the ids (one round trip on PostgreSQL where there were two).
  // The flags of posts left out below are read for nothing, and not shown; the
  // boosted posts' polls come with their rows.
  const flagIds = [...byId.keys(), ...boosted];
  const pollIds: string[] = [];
  for (const r of byId.values())
    if (r.has_poll && !r.reblog_of_id && !knownPolls.has(r.id)) pollIds.push(r.id);
  const [innerRows, flags, polls, filters] = await Promise.all([
    boosted.size ? boostedRowsOf(l.db, { ids: [...boosted] }) : [],
    viewer ? flagsFor(l, viewer, flagIds) : null,
    pollIds.length ? pollsOf(l.db, { ids: pollIds }) : [],
    viewer && context ? viewerFilters(l, viewer.id, context) : [],
  ]);
  const pollById = new Map<string, PollRow>(knownPolls);
  for (const p of polls) pollById.set(p.post_id, p);
  for (const r of innerRows) {
    byId.set(r.id, r);
    // The poll's columns are NOT NULL: null only where the join found no poll.
    if (r.has_poll && r.poll_post_id !== null && r.poll_options !== null)
      pollById.set(r.id, {
        post_id: r.poll_post_id,
        multiple: Number(r.poll_multiple),
        options: r.poll_options,
        voters_count: Number(r.poll_voters_count),
        expires_at: r.poll_expires_at,
        closed_at: r.poll_closed_at,
        ended_notified: Number(r.poll_ended_notified),
      });
  }
  // The page's posts in order, each with the post it boosts: as hydrate leaves them.
  const shown: { row: Row; inner: Row | null }[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (!row || row.deleted_at) continue;
    const inner = row.reblog_of_id ? byId.get(row.reblog_of_id) : null;
    if (inner === undefined || inner?.deleted_at) continue;
    shown.push({ row, inner });
    present.push(id);
  }
  if (shown.length === 0) return { json, present };
  const all: Row[] = [];
  for (const x of shown) {
    all.push(x.row);
    if (x.inner) all.push(x.inner);
  }
  // Kept fragments whose stamp still holds; the others built in one go.
  const cache = fragmentCache(l.db);
  const fragments = new Map<string, StatusFragment>();
  const stale = new Map<string, string>();
  for (const r of all) {
    const stamp = stampOf(r);
    const hit = cache.get(r.id, stamp);
    if (hit) fragments.set(r.id, hit);
    else stale.set(r.id, stamp);
  }
  for (const [id, f] of await buildFragments(s, l, stale)) fragments.set(id, f);

  const uris: string[] = [];
  for (const f of fragments.values()) {
    uris.push(f.authorUri, ...f.mentionUris);
    if (f.replyAuthorUri) uris.push(f.replyAuthorUri);
  }
  const [accounts, decisionPolls] = await Promise.all([
    // The authors' counts came with their posts' rows; mentions show no counts.
    loadAccountJson(l, uris, authorCounts(all)),
    // A poll-shaped decision is its thread's poll (docs/api.md, "Decisions").
    decisionPollsOf(
      l.db,
      all
        .filter((r) => !r.reblog_of_id && !pollById.has(r.id) && !r.in_reply_to_id && r.title)
        .map((r) => r.id),
    ),
  ]);

  const pollJson = (r: Row): string => {
    const poll = pollById.get(r.id);
    if (!poll) {
      const decision = decisionPolls.get(r.id);
      return decision ? JSON.stringify(decision) : "null";
    }
    const view = {
      options: parseOptions(poll.options),
      multiple: poll.multiple === 1,
      votersCount: poll.voters_count,
      expiresAt: poll.expires_at,
      closed: isClosed(poll),
      ownVotes: flags?.votes.get(r.id) ?? [],
    };
    return JSON.stringify(serializePoll(r.id, view, viewer !== null));
  };

  const one = (r: Row, reblog: string, filtered: string): string | null => {
    const f = fragments.get(r.id);
    const author = f && accounts.get(f.authorUri);
    if (!f || !author) return null;
    let mentions = "";
    for (const uri of f.mentionUris) {
      const m = accounts.get(uri)?.account;
      if (m)
        mentions += `${mentions ? "," : ""}${JSON.stringify({ id: m.id, username: m.username, url: m.url, acct: m.acct })}`;
    }
    const replyTo = f.replyAuthorUri ? accounts.get(f.replyAuthorUri)?.account.id : undefined;
    let out = `${f.head},"account":${author.json},"mentions":[${mentions}],"in_reply_to_account_id":${replyTo ? JSON.stringify(replyTo) : "null"},"reblogs_count":${r.reblogs_count},"favourites_count":${r.likes_count},"replies_count":${r.replies_count},"reblog":${reblog},"poll":${r.reblog_of_id ? "null" : pollJson(r)},"filtered":${filtered}`;
    if (flags)
      out += `,"favourited":${flags.liked.has(r.id)},"reblogged":${flags.boosted.has(r.id)},"muted":false,"bookmarked":${flags.marked.has(r.id)},"pinned":${flags.pinned.has(r.id)}`;
    return `${out}}`;
  };

  for (const { row, inner } of shown) {
    const post = inner ?? row;
    const matches = matchesOf(filters, viewer, post, fragments.get(post.id), pollById);
    if (matches === "hide") continue;
    const filtered = matches.length ? JSON.stringify(matches.map(resultJson)) : "[]";
    const innerJson = inner ? one(inner, "null", filtered) : "null";
    if (innerJson === null) continue;
    const status = one(row, innerJson, filtered);
    if (status !== null) json.set(row.id, status);
  }
  return { json, present };
}

/** The viewer's filters a post sets off ("hide" if one hides it); the viewer's own posts never. */
function matchesOf(
  filters: Awaited<ReturnType<typeof viewerFilters>>,
  viewer: ViewerRef | null,
  post: Row,
  fragment: StatusFragment | undefined,
  polls: Map<string, { options: string }>,
): FilterMatch[] | "hide" {
  if (filters.length === 0 || !viewer || !fragment || post.author_uri === viewer.uri) return [];
  const poll = polls.get(post.id);
  const matches = matchPost(filters, {
    id: post.id,
    contentHtml: fragment.contentHtml,
    spoiler: fragment.spoiler,
    mediaDescriptions: fragment.mediaDescriptions,
    pollOptions: poll ? parseOptions(poll.options).map((o) => o.title) : [],
  });
  return matches.some((m) => m.filter.action === "hide") ? "hide" : matches;
}

/** A JSON array of the rendered statuses, in the ids' order (or of those of `ids`, in theirs). */
export function statusArray(rendered: RenderedStatuses, ids?: string[]): string {
  let out = "";
  for (const text of ids ? ids.map((id) => rendered.json.get(id)) : rendered.json.values())
    if (text !== undefined) out += out ? `,${text}` : text;
  return `[${out}]`;
}
