/**
 * Decisions as JSON for apps (/api/synco/v1/decisions, docs/api.md): snake_case
 * like the rest of the client API. What a viewer may see was decided by
 * governance/decisions/reads.ts; this only changes the shape. A secret
 * ballot's `voters` is null; a hidden tally is null with `results_visibility`
 * saying when it shows.
 */
import type { Kysely } from "kysely";
import { prepared } from "../../db/prepared.ts";
import type { Schema } from "../../db/schema.ts";
import { optionsOf } from "../../governance/decisions/decisions.ts";
import type { DecisionListItem } from "../../governance/decisions/listing.ts";
import type { DecisionShown } from "../../governance/decisions/viewing.ts";
import { groupUri } from "../../kernel/uris.ts";
import type { ApiPoll } from "./status.ts";

export function serializeDecision(origin: string, shown: DecisionShown): Record<string, unknown> {
  const { view: v, group } = shown;
  const d = v.decision;
  return {
    id: d.id,
    uri: d.uri,
    url: `${origin}/groups/${group.name}/threads/${d.post_id}#decision-${d.id}`,
    group: { name: group.name, uri: groupUri(origin, group.name) },
    status_id: d.post_id,
    title: d.title,
    body: d.body,
    rule: d.rule,
    settings: v.settings,
    options: v.options,
    opens_at: d.opens_at,
    closes_at: d.closes_at,
    state: v.window === "not-open" ? "scheduled" : v.window,
    closed_at: d.closed_at,
    results_visibility: d.results_visibility,
    ballot: d.ballot,
    vote_changes: d.vote_changes === 1,
    weighting: d.weighting,
    round: d.round,
    voters_count: d.voters_count,
    eligible_weight: shown.eligibleWeight,
    tally: v.tally,
    voters:
      v.votes?.map((e) => ({
        uri: e.voterUri,
        ...(e.castByUri !== e.voterUri ? { cast_by: e.castByUri } : {}),
        ...(e.choice ? { choice: e.choice } : {}),
        ...(e.reason ? { reason: e.reason } : {}),
      })) ?? null,
    outcome: d.outcome ? { text: d.outcome, review_at: d.review_at, at: d.outcome_at } : null,
    viewer: {
      has_voted: v.hasVoted,
      can_vote: v.canVote,
      can_manage: shown.canManage,
      can_close: shown.canClose,
    },
  };
}

/** A decision in a list: enough to show a line and open it. */
export function serializeDecisionItem(
  origin: string,
  d: DecisionListItem,
): Record<string, unknown> {
  return {
    id: d.id,
    url: `${origin}/groups/${d.groupName}/threads/${d.postId}#decision-${d.id}`,
    group: { name: d.groupName, title: d.groupTitle },
    status_id: d.postId,
    title: d.title,
    rule: d.rule,
    opens_at: d.opensAt,
    closes_at: d.closesAt,
    closed_at: d.closedAt,
    has_outcome: d.outcome !== null,
    voters_count: d.votersCount,
    has_voted: d.voted,
  };
}

/**
 * The Poll of each poll-shaped decision (single or multiple choice, hosted here)
 * whose thread's root post is among `postIds`, for the Status of that post: apps
 * find polls there. A Status is one for every viewer, so it carries what every
 * reader may see — counts once the decision is closed (its stored tally), null
 * totals before, as Mastodon shows hidden totals — and no `voted`/`own_votes`:
 * GET /api/v1/polls/:id answers those for the viewer (routes/decision-polls.ts).
 */
const decisionsOf = prepared((db, a: { ids: readonly string[] }) =>
  db
    .selectFrom("decisions")
    .select(["post_id", "rule", "options", "tally", "voters_count", "closes_at", "status"])
    .where("post_id", "in", a.ids)
    .where("local", "=", 1)
    .where("rule", "in", ["single", "multiple"]),
);

export async function decisionPollsOf(
  db: Kysely<Schema>,
  postIds: string[],
): Promise<Map<string, ApiPoll>> {
  if (postIds.length === 0) return new Map();
  const rows = await decisionsOf(db, { ids: postIds });
  return new Map(
    rows.map((d) => {
      const votes =
        d.status === "closed" && d.tally
          ? ((JSON.parse(d.tally) as { votes?: number[] }).votes ?? null)
          : null;
      const poll: ApiPoll = {
        id: d.post_id,
        expires_at: d.closes_at,
        expired: d.status === "closed",
        multiple: d.rule === "multiple",
        votes_count: votes ? votes.reduce((n, x) => n + x, 0) : null,
        voters_count: d.voters_count,
        options: optionsOf(d).map((o, i) => ({
          title: o.label,
          votes_count: votes ? (votes[i] ?? 0) : null,
        })),
        emojis: [],
      };
      return [d.post_id, poll] as const;
    }),
  );
}
