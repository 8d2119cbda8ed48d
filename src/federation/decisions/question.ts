/**
 * A decision that fits a Mastodon poll (single or multiple choice) shows in
 * its thread's root post as the poll the social network already federates:
 * the one converter (social/notes.ts) asks here when the post has no poll of
 * its own, and makes the Question from what this returns (a row shaped as
 * `polls`). Counts travel once the decision's results may be seen by all
 * (its tally is stored at closing); before, Mastodon shows the options alone.
 */
import type { Kysely, Selectable } from "kysely";
import type { PollsTable } from "../../db/schema/social.ts";
import type { Schema } from "../../db/schema.ts";
import { optionsOf } from "../../governance/decisions/decisions.ts";

export async function decisionPollOf(
  db: Kysely<Schema>,
  postId: string,
): Promise<Selectable<PollsTable> | undefined> {
  const d = await db
    .selectFrom("decisions")
    .select(["rule", "options", "tally", "voters_count", "closes_at", "closed_at", "status"])
    .where("post_id", "=", postId)
    .where("local", "=", 1)
    .where("rule", "in", ["single", "multiple"])
    .executeTakeFirst();
  if (!d) return undefined;
  const votes = d.tally ? ((JSON.parse(d.tally) as { votes?: number[] }).votes ?? []) : [];
  return {
    post_id: postId,
    multiple: d.rule === "multiple" ? 1 : 0,
    options: JSON.stringify(optionsOf(d).map((o, i) => ({ title: o.label, votes: votes[i] ?? 0 }))),
    voters_count: d.voters_count,
    expires_at: d.closes_at,
    closed_at: d.status === "closed" ? (d.closed_at ?? d.closes_at) : null,
    ended_notified: 1,
  };
}
