/**
 * Filters v2 (docs.joinmastodon.org/entities/Filter, FilterKeyword,
 * FilterStatus, FilterResult), the v1 projection of their keywords
 * (entities/V1_Filter), and statuses serialized as a member's filters leave them.
 */
import type { FilterContext } from "../../db/schema/social.ts";
import { applyToPage, type FilterMatch } from "../../social/filter-matching.ts";
import {
  type FilterView,
  filtersIn,
  type KeywordView,
  memberFilters,
} from "../../social/keyword-filters.ts";
import type { PostView } from "../../social/views.ts";
import { cachePerDatabase } from "../cache.ts";
import type { AccountLoader } from "./account.ts";
import { type ApiStatus, serializeStatuses } from "./status.ts";

export const keywordJson = (k: KeywordView) => ({
  id: k.id,
  keyword: k.keyword,
  whole_word: k.wholeWord,
});

export const filterStatusJson = (s: { id: string; postId: string }) => ({
  id: s.id,
  status_id: s.postId,
});

/** A Filter; with its keywords and statuses unless it is inside a FilterResult. */
export function filterJson(f: FilterView, rules = true) {
  return {
    id: f.id,
    title: f.title,
    context: f.context,
    expires_at: f.expiresAt,
    filter_action: f.action,
    ...(rules
      ? { keywords: f.keywords.map(keywordJson), statuses: f.statuses.map(filterStatusJson) }
      : {}),
  };
}

/** Each keyword as a v1 filter (the v1 API has one phrase per filter). */
export function v1Filters(filters: FilterView[]) {
  return filters.flatMap((f) =>
    f.keywords.map((k) => ({
      id: k.id,
      phrase: k.keyword,
      context: f.context,
      whole_word: k.wholeWord,
      expires_at: f.expiresAt,
      irreversible: f.action === "hide",
    })),
  );
}

export const resultJson = (m: FilterMatch) => ({
  filter: filterJson(m.filter, false),
  keyword_matches: m.keywordMatches.length ? m.keywordMatches : null,
  status_matches: m.statusMatches.length ? m.statusMatches : null,
});

/** Sets `filtered` on a status (and on the status it boosts) from the page's warnings. */
export function markFiltered(status: ApiStatus, warnings: Map<string, FilterMatch[]>): ApiStatus {
  const inner = status.reblog as ApiStatus | null;
  const matches = warnings.get(inner?.id ?? status.id);
  if (!matches) return status;
  const filtered = matches.map(resultJson) as unknown as ApiStatus["filtered"];
  if (inner) inner.filtered = filtered;
  status.filtered = filtered;
  return status;
}

// A member's filters, read for every page they see, kept until they change one.
const filterCache = cachePerDatabase<string, FilterView[]>({
  tables: ["keyword_filters", "filter_keywords", "filter_statuses"],
  max: 2000,
});

/** The viewer's filters in this context, not expired (filtersIn, through the cache). */
export async function viewerFilters(l: AccountLoader, accountId: string, context: FilterContext) {
  const cache = filterCache(l.db);
  if (!cache) return filtersIn(l.db, accountId, context);
  const all = await cache.through(accountId, () => memberFilters(l.db, accountId));
  const at = new Date().toISOString();
  return all.filter((f) => f.context.includes(context) && (!f.expiresAt || f.expiresAt > at));
}

/** Statuses of a page for a viewer in one place: "hide" matches left out, "warn" ones marked. */
export async function serializeFiltered(
  l: AccountLoader,
  views: PostView[],
  viewer: { id: string; uri: string } | null,
  context: FilterContext,
): Promise<ApiStatus[]> {
  if (!viewer) return serializeStatuses(l, views, false);
  const filters = await viewerFilters(l, viewer.id, context);
  const { kept, warnings } = applyToPage(filters, views, viewer.uri);
  return (await serializeStatuses(l, kept, true)).map((s) => markFiltered(s, warnings));
}
