/**
 * Full-text search over posts of every kind (notes, pages, articles) that the
 * searcher may see: ranked by the index (FTS5's bm25 on SQLite, ts_rank_cd on
 * PostgreSQL), with highlighted snippets, filters (kind, author, group or
 * publication, tag, dates, media, replies, language) and capped paging. What a
 * viewer may see is visibility.ts's rule, applied in the same query
 * (visibleTo), so a result page never holds a post canSee would hide.
 *
 * Two queries: the ranked page of ids (cheap per row), then snippets for those
 * ids only (ts_headline and snippet() cost more than ranking).
 */
import { type ExpressionBuilder, type Kysely, PostgresAdapter, sql } from "kysely";
import type { PostKind } from "../db/schema/social.ts";
import type { Schema } from "../db/schema.ts";
import { memberUri } from "../kernel/uris.ts";
import { type ViewerRef, visibleTo } from "../social/visibility.ts";
import { fts5Match, hasText, tsQueryText } from "./match.ts";
import { isEmptyQuery, type ParsedQuery, parseQuery } from "./query.ts";
import { leadHtml, MARK_END, MARK_START, markedToHtml } from "./snippets.ts";

export interface SearchContext {
  db: Kysely<Schema>;
  /** This node's origin and host, to know a local member's `from:` handle. */
  origin: string;
  domain: string;
}

export interface SearchRequest {
  /** Mastodon's syntax (query.ts). */
  query: string;
  kind?: PostKind;
  /** Posts by this actor only (the API's account_id). */
  authorUri?: string;
  /** Posts in this group hosted here (a publication is a group), by its name. */
  groupName?: string;
  tag?: string;
  /** ISO timestamps: created at or after `since`, before `until`. */
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
}

export interface SearchHit {
  postId: string;
  /** Escaped HTML; only <mark> around matches. Empty when the post has no title. */
  titleHtml: string;
  snippetHtml: string;
}

export const MAX_LIMIT = 40;
/** Deep pages of a ranked search cost the whole ranking: Mastodon caps them too. */
export const MAX_OFFSET = 1_000;
/**
 * How many of the newest matches are ranked (beyond the page's offset). A word
 * in a third of 100,000 posts would otherwise be ranked 33,000 times per query;
 * a query with fewer matches is ranked in full. So a frequent word finds the
 * most relevant of its recent posts, as a search of a social network should.
 */
export const CANDIDATES = 500;
/** SQLite, narrowed by author, tag or group: how many of their newest posts are searched. */
export const SELECTIVE_CAP = 20_000;

type PostsEb = ExpressionBuilder<Schema & { p: Schema["posts"] }, "p">;

interface Filters {
  parsed: ParsedQuery;
  authorUris: string[];
  groupId: string | null;
  request: SearchRequest;
}

export async function searchPosts(
  ctx: SearchContext,
  viewer: ViewerRef | null,
  request: SearchRequest,
): Promise<SearchHit[]> {
  const parsed = parseQuery(request.query);
  if (request.tag) parsed.tags.push(request.tag.replace(/^#/, "").toLowerCase());
  const filtered = !!(request.kind || request.authorUri || request.groupName);
  if (isEmptyQuery(parsed) && !filtered) return [];
  const authorUris = await authorsOf(ctx, viewer, parsed.from);
  if (parsed.from.length > 0 && authorUris.length === 0) return [];
  if (request.authorUri) authorUris.push(request.authorUri);
  let groupId: string | null = null;
  if (request.groupName) {
    const group = await ctx.db
      .selectFrom("groups")
      .select("id")
      .where("name", "=", request.groupName.toLowerCase())
      .executeTakeFirst();
    if (!group) return [];
    groupId = group.id;
  }
  const limit = Math.max(1, Math.min(MAX_LIMIT, Math.trunc(request.limit ?? 20)));
  const offset = Math.max(0, Math.min(MAX_OFFSET, Math.trunc(request.offset ?? 0)));
  const f: Filters = { parsed, authorUris, groupId, request };
  const onPostgres = ctx.db.getExecutor().adapter instanceof PostgresAdapter;
  if (!hasText(parsed)) return latest(ctx.db, viewer, f, limit, offset);
  return onPostgres
    ? rankedOnPostgres(ctx.db, viewer, f, limit, offset)
    : rankedOnSqlite(ctx.db, viewer, f, limit, offset);
}

/** from:me, from:user (here), from:user@host (here or known remote actors). */
async function authorsOf(ctx: SearchContext, viewer: ViewerRef | null, handles: string[]) {
  const uris: string[] = [];
  for (const handle of handles) {
    if (handle === "me") {
      if (viewer) uris.push(viewer.uri);
      continue;
    }
    const [user = "", host] = handle.split("@");
    if (!host || host === ctx.domain.toLowerCase()) {
      uris.push(memberUri(ctx.origin, user));
      continue;
    }
    const remote = await ctx.db
      .selectFrom("remote_actors")
      .select("uri")
      .where("handle", "=", handle)
      .executeTakeFirst();
    if (remote) uris.push(remote.uri);
  }
  return uris;
}

/** The filters as a condition on posts aliased `p` (as visibleTo is). */
const matching =
  ({ parsed, authorUris, groupId, request }: Filters) =>
  (eb: PostsEb) => {
    const all = [eb("p.reblog_of_id", "is", null)];
    if (request.kind) all.push(eb("p.kind", "=", request.kind));
    if (authorUris.length > 0) all.push(eb("p.author_uri", "in", authorUris));
    if (groupId) all.push(eb("p.group_id", "=", groupId));
    // IN, not EXISTS: the planner may then start from the tag's posts (post_tags' index).
    for (const tag of parsed.tags)
      all.push(
        eb(
          "p.id",
          "in",
          eb.selectFrom("post_tags as st").select("st.post_id").where("st.tag", "=", tag),
        ),
      );
    if (parsed.hasMedia)
      all.push(
        eb.exists(
          eb.selectFrom("post_media as sm").select("sm.id").whereRef("sm.post_id", "=", "p.id"),
        ),
      );
    if (parsed.hasPoll) all.push(eb("p.has_poll", "=", 1));
    if (parsed.isReply !== null)
      all.push(eb("p.in_reply_to_uri", parsed.isReply ? "is not" : "is", null));
    if (parsed.language) all.push(eb("p.language", "like", `${parsed.language}%`));
    const since = latestOf(parsed.after, request.since);
    const until = earliestOf(parsed.before, request.until);
    if (since) all.push(eb("p.created_at", ">=", since));
    if (until) all.push(eb("p.created_at", "<", until));
    return eb.and(all);
  };

const latestOf = (a: string | null, b: string | undefined) =>
  a && b ? (a > b ? a : b) : (a ?? b ?? null);
const earliestOf = (a: string | null, b: string | undefined) =>
  a && b ? (a < b ? a : b) : (a ?? b ?? null);

/** No words (only a tag, an author, a kind…): the newest matching posts. */
async function latest(
  db: Kysely<Schema>,
  viewer: ViewerRef | null,
  f: Filters,
  limit: number,
  offset: number,
): Promise<SearchHit[]> {
  const rows = await db
    .selectFrom("posts as p")
    .innerJoin("search_documents as d", "d.post_id", "p.id")
    .select(["p.id", "d.title", "d.summary", "d.body"])
    .where(visibleTo(viewer))
    .where(matching(f))
    .orderBy("p.id", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((r) => ({
    postId: r.id,
    titleHtml: leadHtml(r.title),
    snippetHtml: leadHtml(r.body || r.summary),
  }));
}

async function rankedOnSqlite(
  db: Kysely<Schema>,
  viewer: ViewerRef | null,
  f: Filters,
  limit: number,
  offset: number,
): Promise<SearchHit[]> {
  const match = fts5Match(f.parsed);
  const selective = f.authorUris.length > 0 || !!f.groupId || f.parsed.tags.length > 0;
  const ids = selective
    ? await narrowedOnSqlite(db, viewer, f, match, limit, offset)
    : await rankedCandidatesOnSqlite(db, viewer, f, match, limit, offset);
  if (ids.length === 0) return [];
  // The page's documents first, then FTS5 by rowid (CROSS JOIN keeps that order:
  // sqlite.org/optoverview.html#crossjoin) — never every match of the words.
  const marked = await db
    .selectFrom("search_documents as d")
    .crossJoin("search_index")
    .whereRef("search_index.rowid", "=", "d.doc_id")
    .select([
      "d.post_id",
      "d.summary",
      sql<string>`highlight(search_index, 0, ${MARK_START}, ${MARK_END})`.as("title"),
      sql<string>`snippet(search_index, 2, ${MARK_START}, ${MARK_END}, '…', 24)`.as("snippet"),
    ])
    .where(sql<boolean>`search_index MATCH ${match}`)
    .where("d.post_id", "in", ids)
    .execute();
  return inOrder(ids, marked);
}

/**
 * FTS5 walks its matches newest first (rowid descending) and stops after the
 * candidates the viewer may see; bm25 (the table's `rank`) is computed for those
 * alone, in the same pass (computed apart, per document, each would recount how
 * many documents hold each word).
 */
async function rankedCandidatesOnSqlite(
  db: Kysely<Schema>,
  viewer: ViewerRef | null,
  f: Filters,
  match: string,
  limit: number,
  offset: number,
) {
  const candidates = db
    .selectFrom("search_index as si")
    .innerJoin("search_documents as d", "d.doc_id", "si.rowid")
    .innerJoin("posts as p", "p.id", "d.post_id")
    .select(["p.id", sql<number>`si.rank`.as("rank")])
    .where(sql<boolean>`si.search_index MATCH ${match}`)
    .where(visibleTo(viewer))
    .where(matching(f))
    .orderBy("si.rowid", "desc")
    .limit(CANDIDATES + offset);
  const rows = await db
    .selectFrom(candidates.as("c"))
    .select("c.id")
    .orderBy("c.rank")
    .orderBy("c.id", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Narrowed by author, tag or group: the documents those filters allow (their
 * newest SELECTIVE_CAP posts the viewer may see) are read first, then FTS5 walks
 * its matches newest first keeping those (a set built once: `+rowid` keeps SQLite
 * from asking FTS5 for each allowed rowid in turn, which recounts every word's
 * documents each time) and ranks the candidates in the same pass. Walking every
 * match of a frequent word through the joins to find one author's few costs far more.
 */
async function narrowedOnSqlite(
  db: Kysely<Schema>,
  viewer: ViewerRef | null,
  f: Filters,
  match: string,
  limit: number,
  offset: number,
) {
  const allowed = await db
    .selectFrom("posts as p")
    .innerJoin("search_documents as d", "d.post_id", "p.id")
    .select(["p.id", "d.doc_id"])
    .where(visibleTo(viewer))
    .where(matching(f))
    .orderBy("p.id", "desc")
    .limit(SELECTIVE_CAP)
    .execute();
  if (allowed.length === 0) return [];
  const postOf = new Map(allowed.map((r) => [r.doc_id, r.id]));
  const candidates = db
    .selectFrom("search_index as si")
    .select(["si.rowid", sql<number>`si.rank`.as("rank")])
    .where(sql<boolean>`si.search_index MATCH ${match}`)
    .where(
      sql<boolean>`+si.rowid IN (SELECT value FROM json_each(${JSON.stringify([...postOf.keys()])}))`,
    )
    .orderBy("si.rowid", "desc")
    .limit(CANDIDATES + offset);
  const rows = await db
    .selectFrom(candidates.as("c"))
    .select("c.rowid")
    .orderBy("c.rank")
    .orderBy("c.rowid", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.flatMap((r) => postOf.get(r.rowid) ?? []);
}

const HEADLINE = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=28, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;
const TITLE_HEADLINE = `StartSel=${MARK_START}, StopSel=${MARK_END}, HighlightAll=true`;

async function rankedOnPostgres(
  db: Kysely<Schema>,
  viewer: ViewerRef | null,
  f: Filters,
  limit: number,
  offset: number,
): Promise<SearchHit[]> {
  // The tsquery is built first and sent back as a constant: the planner then
  // knows how common its words are (tsvector statistics) and picks the GIN index
  // for rare words, the primary key (newest first) for frequent ones. Built in
  // the statement, it is an opaque expression and every plan walks the key.
  const text = await tsQueryText(db, f.parsed);
  if (!text) return [];
  const query = sql`${text}::tsquery`;
  // The newest matches the viewer may see, walking the primary key backwards
  // (ids are time-ordered), then ts_rank_cd for those alone: ranking every match
  // of a frequent word reads every matching tsvector.
  const candidates = db
    .selectFrom("search_documents as d")
    .innerJoin("posts as p", "p.id", "d.post_id")
    .select(["p.id", sql<string>`d.document`.as("document")])
    .where(sql<boolean>`d.document @@ ${query}`)
    .where(visibleTo(viewer))
    .where(matching(f))
    .orderBy("d.post_id", "desc")
    .limit(CANDIDATES + offset);
  const ids = (
    await db
      .selectFrom(candidates.as("c"))
      .select(["c.id", sql<number>`ts_rank_cd(c.document, ${query})`.as("rank")])
      .orderBy("rank", "desc")
      .orderBy("c.id", "desc")
      .limit(limit)
      .offset(offset)
      .execute()
  ).map((r) => r.id);
  if (ids.length === 0) return [];
  const marked = await db
    .selectFrom("search_documents as d")
    .select([
      "d.post_id",
      "d.summary",
      sql<string>`ts_headline(d.config, d.title, ${query}, ${TITLE_HEADLINE})`.as("title"),
      sql<string>`ts_headline(d.config, d.body, ${query}, ${HEADLINE})`.as("snippet"),
    ])
    .where("d.post_id", "in", ids)
    .execute();
  return inOrder(ids, marked);
}

function inOrder(
  ids: string[],
  rows: { post_id: string; summary: string; title: string; snippet: string }[],
): SearchHit[] {
  const byId = new Map(rows.map((r) => [r.post_id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    // A match only in the summary or the content warning: show that, highlighted by no one.
    const snippet = r.snippet ? markedToHtml(r.snippet) : leadHtml(r.summary);
    return [{ postId: id, titleHtml: markedToHtml(r.title), snippetHtml: snippet }];
  });
}
