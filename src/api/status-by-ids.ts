/**
 * Several statuses by id (GET /api/v1/statuses?id[]=) as JSON text (issue 24):
 * the posts' rows — what renderStatuses joins the kept fragments with, what
 * canSee needs and whether the author is suspended — in one query, and the
 * posts they boost in one more; each post and what it boosts must pass canSee,
 * as visiblePosts asks. Where hydrate and the serializers made 13 statements for
 * one status, this makes 4 (signed in).
 */
import { sql } from "kysely";
import { prepared } from "../db/prepared.ts";
import type { SocialContext } from "../social/context.ts";
import { canSee, type ViewerRef } from "../social/visibility.ts";
import type { AccountLoader } from "./serializers/account.ts";
import {
  AUTHOR_COUNT_SELECTIONS,
  POST_COLUMNS,
  renderStatuses,
  statusArray,
} from "./status-json.ts";

const rowsOf = prepared((db, a: { ids: readonly string[] }) =>
  db
    .selectFrom("posts as p")
    .leftJoin("actor_stats as st", "st.actor_uri", "p.author_uri")
    .select(POST_COLUMNS.map((c) => `p.${c}` as const))
    .select(AUTHOR_COUNT_SELECTIONS)
    .select([
      "p.visibility",
      "p.audience_uri",
      "p.group_id",
      "p.hidden_at",
      "p.thread_id",
      // 1 or 0 on both databases (PostgreSQL's EXISTS is a boolean).
      sql<number>`case when exists (select 1 from actor_limits al where al.actor_uri = p.author_uri and al.level = 'suspend') then 1 else 0 end`.as(
        "suspended",
      ),
    ])
    .where("p.id", "in", a.ids),
);
type Row = Awaited<ReturnType<typeof rowsOf>>[number];

/** A JSON array of those of these posts the viewer may see (a boost: it and what it boosts), in the order given. */
export async function renderVisible(
  s: SocialContext,
  l: AccountLoader,
  viewer: ViewerRef | null,
  ids: string[],
): Promise<string> {
  if (ids.length === 0) return "[]";
  const byId = new Map<string, Row>();
  for (const r of await rowsOf(l.db, { ids })) byId.set(r.id, r);
  const boosted = new Set<string>();
  for (const r of byId.values())
    if (r.reblog_of_id && !byId.has(r.reblog_of_id)) boosted.add(r.reblog_of_id);
  if (boosted.size) for (const r of await rowsOf(l.db, { ids: [...boosted] })) byId.set(r.id, r);
  const seen = (r: Row) =>
    canSee(l.db, viewer, { ...r, author_suspended: Number(r.suspended) === 1 });
  const visible: string[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) continue;
    const inner = row.reblog_of_id ? byId.get(row.reblog_of_id) : null;
    if (inner === undefined) continue;
    if (!(await seen(row)) || (inner && !(await seen(inner)))) continue;
    visible.push(id);
  }
  const rendered = await renderStatuses(s, l, viewer, visible, null, [...byId.values()]);
  return statusArray(rendered, visible);
}
