/** Cursor pagination over time-ordered ids, as Mastodon's max_id / since_id / min_id. */
export interface PageRequest {
  /** Older than this id. */
  maxId?: string | undefined;
  /** Newer than this id, the newest first. */
  sinceId?: string | undefined;
  /** Newer than this id, the page right after it. */
  minId?: string | undefined;
  /** Clamped by clampLimit: DEFAULT_PAGE when absent. */
  limit?: number | undefined;
}

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 40;

export function clampLimit(limit: number | undefined, max = MAX_PAGE): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE;
  return Math.max(1, Math.min(max, Math.trunc(limit)));
}
