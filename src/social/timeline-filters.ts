/**
 * What a timeline request may narrow a page to (Mastodon's only_media, remote,
 * exclude_replies, exclude_reblogs, tagged), as conditions of the page's own
 * query: a page is cut after filtering, so it comes back full whenever enough
 * posts match, never short or empty because the first rows read did not.
 */
import type { ExpressionBuilder } from "kysely";
import type { Schema } from "../db/schema.ts";

export type PostsEb = ExpressionBuilder<Schema & { p: Schema["posts"] }, "p">;

export interface TimelineFilters {
  /** Only posts with media; a boost counts by the boosted post's media. */
  onlyMedia?: boolean | undefined;
  /** Only posts that came from other servers. */
  remoteOnly?: boolean | undefined;
  /** Leave out replies (a boost of a reply stays, as in Mastodon). */
  excludeReplies?: boolean | undefined;
  /** Leave out boosts. */
  excludeReblogs?: boolean | undefined;
  /** Only posts with this hashtag (lower-cased, no '#'); a boost counts by the boosted post. */
  tagged?: string | undefined;
}

/** One condition for all the filters asked for (true when none are). */
export const matchesFilters = (f: TimelineFilters) => (eb: PostsEb) => {
  const own = eb.fn.coalesce("p.reblog_of_id", "p.id");
  const conditions = [];
  if (f.onlyMedia)
    conditions.push(
      eb.exists(eb.selectFrom("post_media as fm").select("fm.id").where("fm.post_id", "=", own)),
    );
  if (f.remoteOnly) conditions.push(eb("p.local", "=", 0));
  if (f.excludeReblogs) conditions.push(eb("p.reblog_of_id", "is", null));
  if (f.excludeReplies)
    conditions.push(
      eb.or([eb("p.in_reply_to_id", "is", null), eb("p.reblog_of_id", "is not", null)]),
    );
  if (f.tagged)
    conditions.push(
      eb.exists(
        eb
          .selectFrom("post_tags as ft")
          .select("ft.post_id")
          .where("ft.post_id", "=", own)
          .where("ft.tag", "=", f.tagged.toLowerCase().replace(/^#/, "")),
      ),
    );
  return conditions.length ? eb.and(conditions) : eb.lit(true);
};
