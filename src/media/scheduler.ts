/**
 * Scheduled publishing: the worker sweeps due articles (state "scheduled",
 * scheduled_at ≤ now) and publishes each in its own transaction, re-reading the
 * row locked (PostgreSQL) so two sweeps — or a sweep and an editor's "publish
 * now" — publish it once. Nothing is kept in memory: after a restart the next
 * sweep finds what fell due while the node was down.
 */
import { locksRows } from "../accounts/locking.ts";
import type { MediaContext } from "./context.ts";
import { publishIn } from "./workflow.ts";

/** At most this many per sweep; the rest go on the next one. */
export const SWEEP_BATCH = 50;

/** Publishes the articles that are due; returns their ids. */
export async function publishDueArticles(ctx: MediaContext): Promise<string[]> {
  const now = ctx.clock.now().toISOString();
  const due = await ctx.db
    .selectFrom("articles")
    .select("id")
    .where("state", "=", "scheduled")
    .where("scheduled_at", "<=", now)
    .orderBy("scheduled_at")
    .limit(SWEEP_BATCH)
    .execute();
  const published: string[] = [];
  for (const { id } of due) {
    const done = await ctx.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom("articles")
        .select(["state", "scheduled_at"])
        .where("id", "=", id)
        .$if(locksRows(trx), (q) => q.forUpdate())
        .executeTakeFirst();
      if (row?.state !== "scheduled" || !row.scheduled_at || row.scheduled_at > now) return false;
      const postId = await publishIn(trx, ctx, id, null);
      if (postId) return true;
      // The writer's account is gone: the article stays unpublished, off the schedule.
      await trx
        .updateTable("articles")
        .set({ state: "draft", scheduled_at: null })
        .where("id", "=", id)
        .execute();
      return false;
    });
    if (done) published.push(id);
  }
  return published;
}
