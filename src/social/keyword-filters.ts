/**
 * A member's filters (Mastodon's filters v2): a title, where it applies (home,
 * notifications, public, thread, account), what it does (warn: the post is shown
 * behind a warning naming the filter; hide: the post is left out), an optional
 * expiry, and what it matches: keywords (whole words or anywhere, ignoring case)
 * and particular posts. Writes are checked and capped here; matching is pure.
 */
import type { Kysely } from "kysely";
import type { FilterContext } from "../db/schema/social.ts";
import type { Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";

/** Caps on what one member keeps (each a refused write with a 422 at the API). */
export const MAX_FILTERS = 100;
export const MAX_KEYWORDS_PER_FILTER = 100;
export const MAX_STATUSES_PER_FILTER = 100;
export const MAX_FILTER_TITLE = 256;
export const MAX_KEYWORD_LENGTH = 512;

export const filterContexts = ["home", "notifications", "public", "thread", "account"] as const;

export interface KeywordView {
  id: string;
  keyword: string;
  wholeWord: boolean;
}

export interface FilterView {
  id: string;
  title: string;
  context: FilterContext[];
  action: "warn" | "hide";
  expiresAt: string | null;
  keywords: KeywordView[];
  statuses: { id: string; postId: string }[];
}

export type FilterProblem =
  | "not-found"
  | "title-invalid"
  | "context-invalid"
  | "keyword-invalid"
  | "too-many-filters"
  | "too-many-keywords"
  | "too-many-statuses"
  | "post-not-found";

export interface FilterInput {
  title?: string | undefined;
  context?: string[] | undefined;
  action?: "warn" | "hide" | undefined;
  /** Seconds from now; null removes the expiry; undefined keeps it. */
  expiresIn?: number | null | undefined;
  /** Keywords to add (no id), change (id) or remove (id and destroy). */
  keywords?:
    | {
        id?: string | undefined;
        keyword?: string | undefined;
        wholeWord?: boolean | undefined;
        destroy?: boolean | undefined;
      }[]
    | undefined;
}

type Db = Kysely<Schema>;

function checkHead(input: FilterInput, creating: boolean): FilterProblem | null {
  if (creating || input.title !== undefined) {
    const title = input.title?.trim() ?? "";
    if (!title || title.length > MAX_FILTER_TITLE) return "title-invalid";
  }
  if (creating || input.context !== undefined) {
    const context = input.context ?? [];
    if (
      context.length === 0 ||
      context.some((c) => !(filterContexts as readonly string[]).includes(c))
    )
      return "context-invalid";
  }
  for (const k of input.keywords ?? []) {
    if (k.destroy) continue;
    if (k.keyword !== undefined || !k.id) {
      const word = k.keyword?.trim() ?? "";
      if (!word || word.length > MAX_KEYWORD_LENGTH) return "keyword-invalid";
    }
  }
  return null;
}

const expiry = (seconds: number | null | undefined, now: Date) =>
  seconds ? new Date(now.getTime() + seconds * 1000).toISOString() : null;

export async function createFilter(
  db: Db,
  accountId: string,
  input: FilterInput,
  clock: Clock,
): Promise<Result<{ id: string }, FilterProblem>> {
  const problem = checkHead(input, true);
  if (problem) return fail(problem);
  return db
    .transaction()
    .execute(async (trx) => {
      const count = await trx
        .selectFrom("keyword_filters")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("account_id", "=", accountId)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= MAX_FILTERS) return fail("too-many-filters" as const);
      const id = newId();
      const now = clock.now();
      await trx
        .insertInto("keyword_filters")
        .values({
          id,
          account_id: accountId,
          title: input.title?.trim() ?? "",
          context: JSON.stringify([...new Set(input.context)]),
          action: input.action ?? "warn",
          expires_at: expiry(input.expiresIn, now),
          created_at: now.toISOString(),
        })
        .execute();
      const applied = await applyKeywords(trx, id, input.keywords ?? []);
      if (!applied.ok) throw new FilterRollback(applied.reason);
      return ok({ id });
    })
    .catch(rolledBack);
}

/** Thrown inside a transaction to undo it, and turned back into a result outside. */
class FilterRollback extends Error {
  readonly reason: FilterProblem;
  constructor(reason: FilterProblem) {
    super(reason);
    this.reason = reason;
  }
}
function rolledBack(error: unknown): Result<never, FilterProblem> {
  if (error instanceof FilterRollback) return fail(error.reason);
  throw error;
}

export async function ownFilter(db: Db, accountId: string, id: string) {
  return db
    .selectFrom("keyword_filters")
    .selectAll()
    .where("id", "=", id)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
}

export async function updateFilter(
  db: Db,
  accountId: string,
  id: string,
  input: FilterInput,
  clock: Clock,
): Promise<Result<{ id: string }, FilterProblem>> {
  const problem = checkHead(input, false);
  if (problem) return fail(problem);
  return db
    .transaction()
    .execute(async (trx) => {
      if (!(await ownFilter(trx, accountId, id))) return fail("not-found" as const);
      const set = {
        ...(input.title !== undefined ? { title: input.title.trim() } : {}),
        ...(input.context !== undefined
          ? { context: JSON.stringify([...new Set(input.context)]) }
          : {}),
        ...(input.action !== undefined ? { action: input.action } : {}),
        ...(input.expiresIn !== undefined
          ? { expires_at: expiry(input.expiresIn, clock.now()) }
          : {}),
      };
      if (Object.keys(set).length > 0)
        await trx.updateTable("keyword_filters").set(set).where("id", "=", id).execute();
      const applied = await applyKeywords(trx, id, input.keywords ?? []);
      if (!applied.ok) throw new FilterRollback(applied.reason);
      return ok({ id });
    })
    .catch(rolledBack);
}

/** Adds, changes or removes keywords of one filter (already known to be the member's). */
async function applyKeywords(
  trx: Db,
  filterId: string,
  changes: NonNullable<FilterInput["keywords"]>,
): Promise<Result<null, FilterProblem>> {
  for (const k of changes) {
    if (k.id && k.destroy) {
      await trx
        .deleteFrom("filter_keywords")
        .where("id", "=", k.id)
        .where("filter_id", "=", filterId)
        .execute();
      continue;
    }
    if (k.id) {
      const set = {
        ...(k.keyword !== undefined ? { keyword: k.keyword.trim() } : {}),
        ...(k.wholeWord !== undefined ? { whole_word: k.wholeWord ? 1 : 0 } : {}),
      };
      const done = Object.keys(set).length
        ? await trx
            .updateTable("filter_keywords")
            .set(set)
            .where("id", "=", k.id)
            .where("filter_id", "=", filterId)
            .executeTakeFirst()
        : null;
      if (done && Number(done.numUpdatedRows) === 0) return fail("not-found");
      continue;
    }
    if (k.destroy) continue;
    await trx
      .insertInto("filter_keywords")
      .values({
        id: newId(),
        filter_id: filterId,
        keyword: k.keyword?.trim() ?? "",
        whole_word: k.wholeWord === false ? 0 : 1,
      })
      .execute();
  }
  const count = await trx
    .selectFrom("filter_keywords")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("filter_id", "=", filterId)
    .executeTakeFirstOrThrow();
  return Number(count.n) > MAX_KEYWORDS_PER_FILTER ? fail("too-many-keywords") : ok(null);
}

export async function deleteFilter(db: Db, accountId: string, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await ownFilter(trx, accountId, id))) return false;
    await trx.deleteFrom("filter_keywords").where("filter_id", "=", id).execute();
    await trx.deleteFrom("filter_statuses").where("filter_id", "=", id).execute();
    await trx.deleteFrom("keyword_filters").where("id", "=", id).execute();
    return true;
  });
}

/** One keyword of the member's filters: add to a filter, change, remove. */
export async function addKeyword(
  db: Db,
  accountId: string,
  filterId: string,
  keyword: { keyword: string; wholeWord: boolean },
): Promise<Result<{ id: string }, FilterProblem>> {
  const word = keyword.keyword.trim();
  if (!word || word.length > MAX_KEYWORD_LENGTH) return fail("keyword-invalid");
  return db.transaction().execute(async (trx) => {
    if (!(await ownFilter(trx, accountId, filterId))) return fail("not-found" as const);
    const count = await trx
      .selectFrom("filter_keywords")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("filter_id", "=", filterId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_KEYWORDS_PER_FILTER) return fail("too-many-keywords" as const);
    const id = newId();
    await trx
      .insertInto("filter_keywords")
      .values({ id, filter_id: filterId, keyword: word, whole_word: keyword.wholeWord ? 1 : 0 })
      .execute();
    return ok({ id });
  });
}

/** The filter a keyword belongs to, if it is the member's. */
export async function filterOfKeyword(db: Db, accountId: string, keywordId: string) {
  const row = await db
    .selectFrom("filter_keywords as k")
    .innerJoin("keyword_filters as f", "f.id", "k.filter_id")
    .select(["k.id", "k.filter_id", "k.keyword", "k.whole_word"])
    .where("k.id", "=", keywordId)
    .where("f.account_id", "=", accountId)
    .executeTakeFirst();
  return row ?? null;
}

export async function changeKeyword(
  db: Db,
  accountId: string,
  keywordId: string,
  change: { keyword?: string | undefined; wholeWord?: boolean | undefined },
): Promise<Result<{ id: string }, FilterProblem>> {
  const row = await filterOfKeyword(db, accountId, keywordId);
  if (!row) return fail("not-found");
  if (change.keyword !== undefined) {
    const word = change.keyword.trim();
    if (!word || word.length > MAX_KEYWORD_LENGTH) return fail("keyword-invalid");
  }
  const applied = await applyKeywords(db, row.filter_id, [{ id: keywordId, ...change }]);
  return applied.ok ? ok({ id: keywordId }) : applied;
}

export async function removeKeyword(
  db: Db,
  accountId: string,
  keywordId: string,
): Promise<boolean> {
  const row = await filterOfKeyword(db, accountId, keywordId);
  if (!row) return false;
  await db.deleteFrom("filter_keywords").where("id", "=", keywordId).execute();
  return true;
}

/** The member's filters (or one), with keywords and statuses; expired ones too (apps show them). */
export async function memberFilters(
  db: Db,
  accountId: string,
  onlyId?: string,
): Promise<FilterView[]> {
  const filters = await db
    .selectFrom("keyword_filters")
    .selectAll()
    .where("account_id", "=", accountId)
    .$if(onlyId !== undefined, (q) => q.where("id", "=", onlyId as string))
    .orderBy("id")
    .execute();
  if (filters.length === 0) return [];
  const ids = filters.map((f) => f.id);
  const [keywords, statuses] = await Promise.all([
    db
      .selectFrom("filter_keywords")
      .selectAll()
      .where("filter_id", "in", ids)
      .orderBy("id")
      .execute(),
    db
      .selectFrom("filter_statuses")
      .selectAll()
      .where("filter_id", "in", ids)
      .orderBy("id")
      .execute(),
  ]);
  return filters.map((f) => ({
    id: f.id,
    title: f.title,
    context: JSON.parse(f.context) as FilterContext[],
    action: f.action,
    expiresAt: f.expires_at,
    keywords: keywords
      .filter((k) => k.filter_id === f.id)
      .map((k) => ({ id: k.id, keyword: k.keyword, wholeWord: k.whole_word === 1 })),
    statuses: statuses
      .filter((s) => s.filter_id === f.id)
      .map((s) => ({ id: s.id, postId: s.post_id })),
  }));
}

/** The member's filters that apply in this place now (none for an anonymous reader). */
export async function filtersIn(
  db: Db,
  accountId: string | null,
  context: FilterContext,
  // Defaulted for api/serializers/filter.ts, whose loader carries no clock yet.
  clock: Clock = systemClock,
): Promise<FilterView[]> {
  if (!accountId) return [];
  const at = clock.now().toISOString();
  return (await memberFilters(db, accountId)).filter(
    (f) => f.context.includes(context) && (!f.expiresAt || f.expiresAt > at),
  );
}
