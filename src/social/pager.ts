/**
 * The one pager every timeline reads through (home, list, local and federated,
 * hashtag, link, profile, bookmarks, favourites). A timeline is a source — its
 * rows with the conditions that make it, and the time-ordered column its cursor
 * walks — and a page request, Mastodon's max_id (older than), since_id (newer,
 * the newest first) and min_id (the page right after it). The rule it keeps: a
 * page is one range scan of the source's cursor column, ordered by that same
 * column, so the index the source names decides the plan (home_entries' primary
 * key, post_tags' (tag, post_id), posts' (author_uri, id)…), and filtering is a
 * condition of that query, so pages come back full.
 */
import { type Kysely, type SelectQueryBuilder, sql } from "kysely";
import { prepared } from "../db/prepared.ts";
import type { Schema } from "../db/schema.ts";
import { clampLimit, type PageRequest } from "../kernel/pagination.ts";
import type { SocialContext } from "./context.ts";
import { hydrate, type PostView } from "./views.ts";
import type { ViewerRef } from "./visibility.ts";

export type { PageRequest };

export const PAGE_SIZE = 20;

export interface Page {
  items: PostView[];
  /** The cursor of the next (older) page, if there is one. */
  nextMaxId: string | null;
  /** Each item's cursor, in the items' order (its id, or the like's id on favourites). */
  cursors: string[];
}

/** What a timeline reads. */
export interface TimelineSource<DB, TB extends keyof DB> {
  /** The rows, with the conditions that make this timeline (no cursor, order or limit). */
  readonly rows: SelectQueryBuilder<DB, TB, object>;
  /**
   * The time-ordered id the page is cut and ordered by, e.g. `h.post_id`: the
   * column of the index the scan should walk.
   */
  readonly cursor: string;
  /** The post's id when the cursor is another row's (a like's id); the cursor otherwise. */
  readonly postId?: string;
}

/** The lower bound of a since_id / min_id page, and whether to read upwards from it. */
export const lowerBound = (req: PageRequest) => {
  const after = [req.sinceId, req.minId]
    .filter((x): x is string => !!x)
    .sort()
    .at(-1);
  return { after, upwards: !!req.minId };
};

export const limitOf = (req: PageRequest) => clampLimit(req.limit);

/** A page of a timeline as ids: the posts' ids in order, each one's cursor, and the next page's. */
export interface IdPage {
  ids: string[];
  /** Each id's cursor, in the ids' order (its id, or the like's id on favourites). */
  cursors: string[];
  nextMaxId: string | null;
  /** The columns asked of each post (`p`) and its author's counts (AUTHOR_COUNTS), in the ids' order, when asked. */
  posts: Record<string, unknown>[];
}

/** One page of a timeline, its post ids only (the client API renders them itself: api/status-json.ts). */
export async function timelinePageIds<DB, TB extends keyof DB>(
  source: TimelineSource<DB, TB>,
  req: PageRequest = {},
  /** Columns of the post (a source whose rows join `posts as p`), read in the same query. */
  postColumns: readonly string[] = [],
): Promise<IdPage> {
  const limit = limitOf(req);
  const { after, upwards } = lowerBound(req);
  const cursor = sql.ref(source.cursor);
  const rows = await withAuthorCounts(source.rows, postColumns)
    .select([
      sql<string>`${cursor}`.as("cursor"),
      sql<string>`${sql.ref(source.postId ?? source.cursor)}`.as("post_id"),
      ...postSelections(postColumns),
    ])
    .$if(req.maxId !== undefined, (q) => q.where(sql<boolean>`${cursor} < ${req.maxId}`))
    .$if(after !== undefined, (q) => q.where(sql<boolean>`${cursor} > ${after}`))
    .orderBy(cursor, upwards ? "asc" : "desc")
    .limit(limit + 1)
    // The columns selected above (their types are lost through the generic source).
    .$castTo<{ cursor: string; post_id: string } & Record<string, unknown>>()
    .execute();
  // Read upwards from min_id: the page is the first `limit` after it, shown newest first.
  const more = !upwards && rows.length > limit;
  const page = upwards ? rows.slice(0, limit).reverse() : rows.slice(0, limit);
  return {
    ids: page.map((r) => r.post_id),
    cursors: page.map((r) => r.cursor),
    nextMaxId: more ? (page.at(-1)?.cursor ?? null) : null,
    posts: postColumns.length ? page : [],
  };
}

type PageArgs = Record<string, string>;

/**
 * The post author's counts (actor_stats, kept by triggers), read with the page's
 * posts when their columns are asked (as `author_statuses_count`, …): a row per
 * author by its key, where reading them after was a statement of its own (issue 24).
 */
export const AUTHOR_COUNTS = [
  "statuses_count",
  "followers_count",
  "following_count",
  "last_status_at",
] as const;

/** The selections of the post's columns (`p`) and of its author's counts (`st`, joined by withAuthorCounts). */
const postSelections = (postColumns: readonly string[]) =>
  postColumns.length
    ? [
        ...postColumns.map((c) => sql`${sql.ref(`p.${c}`)}`.as(c)),
        ...AUTHOR_COUNTS.map((c) => sql`${sql.ref(`st.${c}`)}`.as(`author_${c}`)),
      ]
    : [];

/** The source's rows, with its posts' authors' counts joined when post columns are asked. */
function withAuthorCounts<DB, TB extends keyof DB>(
  rows: SelectQueryBuilder<DB, TB, object>,
  postColumns: readonly string[],
): SelectQueryBuilder<DB, TB, object> {
  if (!postColumns.length) return rows;
  // The source joins `posts as p` (postColumns' contract); its type is lost through the generic source.
  return (rows as unknown as SelectQueryBuilder<Schema, "posts", object>).leftJoin(
    "actor_stats as st",
    "st.actor_uri",
    "p.author_uri" as never,
  ) as unknown as SelectQueryBuilder<DB, TB, object>;
}

/**
 * timelinePageIds for a timeline whose query has a few forms only (its `form`:
 * which conditions it has), each built and compiled once (db/prepared.ts) instead
 * of per request: `sourceOf` must use its arguments as values only (they are
 * stand-ins when it runs), and choose the query's form from `form` alone, which
 * `formOf` makes of the arguments.
 */
export function preparedPage<A extends PageArgs, F, DB, TB extends keyof DB>(
  sourceOf: (db: Kysely<Schema>, args: A, form: F) => TimelineSource<DB, TB>,
  formOf: (args: A) => F,
  postColumns: readonly string[] = [],
) {
  type Run = (
    db: Kysely<Schema>,
    a: A & { maxId: string; after: string; limit: number },
  ) => Promise<({ cursor: string; post_id: string } & Record<string, unknown>)[]>;
  const forms = new Map<string, Run>();
  return async (db: Kysely<Schema>, args: A, req: PageRequest = {}): Promise<IdPage> => {
    const limit = limitOf(req);
    const { after, upwards } = lowerBound(req);
    const form = formOf(args);
    const key = `${JSON.stringify(form)};${req.maxId !== undefined};${after !== undefined};${upwards}`;
    let run = forms.get(key);
    if (!run) {
      const hasMax = req.maxId !== undefined;
      const hasAfter = after !== undefined;
      run = prepared((db, a: A & { maxId: string; after: string; limit: number }) => {
        const source = sourceOf(db, a, form);
        const cursor = sql.ref(source.cursor);
        return withAuthorCounts(source.rows, postColumns)
          .select([
            sql<string>`${cursor}`.as("cursor"),
            sql<string>`${sql.ref(source.postId ?? source.cursor)}`.as("post_id"),
            ...postSelections(postColumns),
          ])
          .$if(hasMax, (q) => q.where(sql<boolean>`${cursor} < ${a.maxId}`))
          .$if(hasAfter, (q) => q.where(sql<boolean>`${cursor} > ${a.after}`))
          .orderBy(cursor, upwards ? "asc" : "desc")
          .limit(a.limit)
          .$castTo<{ cursor: string; post_id: string } & Record<string, unknown>>();
      }) as unknown as Run;
      // A handful of forms per timeline; bounded all the same.
      if (forms.size < 64) forms.set(key, run);
    }
    const rows = await run(db, {
      ...args,
      maxId: req.maxId ?? "",
      after: after ?? "",
      limit: limit + 1,
    });
    const more = !upwards && rows.length > limit;
    const page = upwards ? rows.slice(0, limit).reverse() : rows.slice(0, limit);
    return {
      ids: page.map((r) => r.post_id),
      cursors: page.map((r) => r.cursor),
      nextMaxId: more ? (page.at(-1)?.cursor ?? null) : null,
      posts: postColumns.length ? page : [],
    };
  };
}

/** One page of a timeline, hydrated for the viewer. */
export async function timelinePage<DB, TB extends keyof DB>(
  s: SocialContext,
  viewer: ViewerRef | null,
  source: TimelineSource<DB, TB>,
  req: PageRequest = {},
): Promise<Page> {
  const page = await timelinePageIds(source, req);
  const items = await hydrate(s, viewer?.id ?? null, viewer?.uri ?? null, page.ids);
  const cursorOf = new Map(page.ids.map((id, i) => [id, page.cursors[i]]));
  return {
    items,
    nextMaxId: page.nextMaxId,
    cursors: items.map((v) => cursorOf.get(v.id) ?? v.id),
  };
}
