/**
 * One status by id as JSON text (issue 24): the post's row, whether its author is
 * suspended and its poll are read in one query, the same row decides who may read
 * it (canSee, as mayReadPost) and is what renderStatuses joins the kept fragment
 * with. Signed in, two queries more (the flags, the accounts' counts): three in
 * all, where mayReadPost and renderStatuses made six.
 */
import { sql } from "kysely";
import { prepared } from "../db/prepared.ts";
import type { SocialContext } from "../social/context.ts";
import { canSee, type ViewerRef } from "../social/visibility.ts";
import type { AccountLoader } from "./serializers/account.ts";
import {
  AUTHOR_COUNT_SELECTIONS,
  POST_COLUMNS,
  type PollRow,
  renderStatuses,
} from "./status-json.ts";

/** What renderStatuses reads of a post, what canSee needs, the suspension and the poll. */
const postRowOf = prepared((db, a: { id: string }) =>
  db
    .selectFrom("posts as p")
    .leftJoin("polls as pl", "pl.post_id", "p.id")
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
      "pl.post_id as poll_post_id",
      "pl.multiple as poll_multiple",
      "pl.options as poll_options",
      "pl.voters_count as poll_voters_count",
      "pl.expires_at as poll_expires_at",
      "pl.closed_at as poll_closed_at",
      "pl.ended_notified as poll_ended_notified",
    ])
    .where("p.id", "=", a.id),
);

/** The status as the viewer may see it (a post they may read, or their own boost), or null. */
export async function renderStatus(
  s: SocialContext,
  l: AccountLoader,
  viewer: ViewerRef | null,
  id: string,
): Promise<string | null> {
  const [row] = await postRowOf(l.db, { id });
  if (!row) return null;
  // mayReadPost's rule: a boost is its author's alone; a post, canSee's.
  const readable = row.reblog_of_id
    ? !!viewer && row.author_uri === viewer.uri
    : await canSee(l.db, viewer, { ...row, author_suspended: Number(row.suspended) === 1 });
  if (!readable) return null;
  const polls = new Map<string, PollRow>();
  // The poll's columns are NOT NULL: null only where the join found no poll.
  if (row.poll_post_id !== null && row.poll_options !== null)
    polls.set(row.id, {
      post_id: row.poll_post_id,
      multiple: Number(row.poll_multiple),
      options: row.poll_options,
      voters_count: Number(row.poll_voters_count),
      expires_at: row.poll_expires_at,
      closed_at: row.poll_closed_at,
      ended_notified: Number(row.poll_ended_notified),
    });
  return (await renderStatuses(s, l, viewer, [id], null, [row], polls)).json.get(id) ?? null;
}
