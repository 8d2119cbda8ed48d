/**
 * Pagination as Mastodon does it: max_id (older than), since_id (newer than,
 * newest first), min_id (newer than, oldest first) and limit, with a Link
 * header (RFC 8288) pointing at the next (older) and prev (newer) pages.
 * Our ids are UUIDv7 and sort by time, so they are the cursors themselves.
 */
import { z } from "zod";
import type { ApiContext } from "./deps.ts";
import type { Params } from "./params.ts";

const cursor = z.string().max(100).optional();

export interface Page {
  maxId?: string | undefined;
  sinceId?: string | undefined;
  minId?: string | undefined;
  limit: number;
}

// Built once: building a zod schema costs more than parsing with it.
const pageParams = z.object({
  max_id: cursor,
  since_id: cursor,
  min_id: cursor,
  limit: z.coerce.number().int().optional(),
});

export function readPage(p: Params, defaults = { limit: 20, max: 40 }): Page {
  const parsed = pageParams.parse(p);
  const limit = Math.max(1, Math.min(defaults.max, parsed.limit ?? defaults.limit));
  return {
    maxId: parsed.max_id || undefined,
    sinceId: parsed.since_id || undefined,
    minId: parsed.min_id || undefined,
    limit,
  };
}

/** Sets the Link header for a page whose items have these cursor ids (newest first). */
export function setLink(c: ApiContext, ids: string[], options: { hasMore?: boolean } = {}): void {
  if (ids.length === 0) return;
  // The request's address without its cursors, parsed once; each link adds one.
  const url = new URL(c.req.url);
  for (const k of ["max_id", "since_id", "min_id"]) url.searchParams.delete(k);
  const base = `${url.href}${url.search ? "&" : "?"}`;
  const make = (key: string, value: string) => `${base}${key}=${encodeURIComponent(value)}`;
  const links: string[] = [];
  if (options.hasMore !== false)
    links.push(`<${make("max_id", ids.at(-1) as string)}>; rel="next"`);
  links.push(`<${make("min_id", ids[0] as string)}>; rel="prev"`);
  c.header("Link", links.join(", "));
}
