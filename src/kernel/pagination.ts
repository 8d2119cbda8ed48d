/** Cursor pagination over time-ordered ids, as Mastodon's max_id / since_id / min_id. */
export interface PageRequest {
  maxId?: string | undefined;
  sinceId?: string | undefined;
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
