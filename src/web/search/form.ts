/**
 * The search page's query string, parsed at the edge: each field capped and
 * checked, so a bad value is a 422 with the field named, never a query.
 */
import type { PostKind } from "../../db/schema/social.ts";
import { MAX_QUERY_CHARS } from "../../search/query.ts";
import { MAX_OFFSET } from "../../search/search.ts";
import type { MessageKey } from "../i18n/i18n.ts";

export const PAGE_SIZE = 20;
export const MAX_PAGE = Math.floor(MAX_OFFSET / PAGE_SIZE) + 1;
const KINDS = ["note", "page", "article"] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface SearchForm {
  q: string;
  kind: PostKind | "";
  author: string;
  group: string;
  tag: string;
  since: string;
  until: string;
  page: number;
}

export type FormErrors = Partial<Record<keyof SearchForm, { key: MessageKey; max?: number }>>;

const validDate = (v: string) => DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));

export function parseSearchForm(query: Record<string, string | undefined>): {
  values: SearchForm;
  errors: FormErrors;
} {
  const errors: FormErrors = {};
  const text = (name: keyof SearchForm, max: number) => {
    const v = (query[name] ?? "").trim();
    if (v.length > max) errors[name] = { key: "search.error.tooLong", max };
    return v.slice(0, max);
  };
  const q = text("q", MAX_QUERY_CHARS);
  const kindValue = text("kind", 20);
  const kind = (KINDS as readonly string[]).includes(kindValue) ? (kindValue as PostKind) : "";
  if (kindValue && !kind) errors.kind = { key: "search.error.kind" };
  const author = text("author", 200).replace(/^@/, "");
  if (author && !/^[\p{L}\p{N}_.-]+(@[A-Za-z0-9.-]+(:\d+)?)?$/u.test(author))
    errors.author = { key: "search.error.name" };
  const group = text("group", 64);
  if (group && !/^[A-Za-z0-9_]+$/.test(group)) errors.group = { key: "search.error.name" };
  const tag = text("tag", 100).replace(/^#/, "");
  if (tag && !/^[\p{L}\p{N}_]+$/u.test(tag)) errors.tag = { key: "search.error.tag" };
  const since = text("since", 10);
  if (since && !validDate(since)) errors.since = { key: "search.error.date" };
  const until = text("until", 10);
  if (until && !validDate(until)) errors.until = { key: "search.error.date" };
  const pageText = query.page ?? "1";
  const page = /^\d{1,4}$/.test(pageText) ? Number(pageText) : 0;
  if (page < 1 || page > MAX_PAGE) errors.page = { key: "search.error.page" };
  return { values: { q, kind, author, group, tag, since, until, page }, errors };
}

/** The query string of a page of these results. */
export function searchHref(values: SearchForm, page: number): string {
  const params = new URLSearchParams();
  for (const key of ["q", "kind", "author", "group", "tag", "since", "until"] as const)
    if (values[key]) params.set(key, values[key]);
  if (page > 1) params.set("page", String(page));
  return `/search?${params}`;
}

/** Any filter beyond the words (the filters' box opens when one is set). */
export const hasFilters = (v: SearchForm) =>
  !!(v.kind || v.author || v.group || v.tag || v.since || v.until);
