/**
 * The federation's view of decision rows: a decision hosted here as its
 * document shows it (objects.ts), with the running tally counted only when
 * others may see it.
 */
import { tallyOf } from "../../governance/decisions/closing.ts";
import type { DecisionsContext } from "../../governance/decisions/context.ts";
import { type Decision, optionsOf, settingsOf } from "../../governance/decisions/decisions.ts";
import type { Rule } from "../../governance/decisions/types.ts";
import { type DecisionView, tallyForOthers } from "./objects.ts";

export async function decisionViewOf(ctx: DecisionsContext, d: Decision): Promise<DecisionView> {
  const post = await ctx.db
    .selectFrom("posts")
    .select("uri")
    .where("id", "=", d.post_id)
    .executeTakeFirst();
  const base = {
    closedAt: d.status === "closed" ? (d.closed_at ?? d.closes_at) : null,
    resultsVisibility: d.results_visibility,
  };
  return {
    uri: d.uri,
    groupUri: d.group_uri,
    threadUri: post?.uri ?? null,
    createdByUri: d.created_by_uri,
    title: d.title,
    body: d.body,
    rule: d.rule as Rule,
    settings: settingsOf(d),
    options: optionsOf(d),
    opensAt: d.opens_at,
    closesAt: d.closes_at,
    ...base,
    ballot: d.ballot,
    voteChanges: d.vote_changes === 1,
    weighting: d.weighting,
    votersCount: d.voters_count,
    round: d.round,
    tally: tallyForOthers(base) ? await tallyOf(ctx, d) : null,
    outcome: d.outcome,
    reviewAt: d.review_at,
    createdAt: d.created_at,
    updatedAt: d.updated_at,
  };
}
