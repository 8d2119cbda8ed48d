/**
 * What the pages and the JSON API show beside a decision, on top of reads.ts
 * `decisionView` (which alone decides what a viewer may see: the tally, who
 * voted, what each chose): its group, how many may vote, and what the viewer
 * may steer — amend and write the outcome (its proposer or a moderator,
 * decisions.ts `maySteer`), close early (a moderator, closing.ts).
 */

import type { LocalMember } from "../../groups/context.ts";
import { findGroupById, type Group } from "../../groups/groups.ts";
import { canModerate, standingOf } from "../../groups/standing.ts";
import { memberUri } from "../../kernel/uris.ts";
import type { DecisionsContext } from "./context.ts";
import { eligibleWeightOf } from "./eligibility.ts";
import { type DecisionView, decisionView } from "./reads.ts";

export interface DecisionShown {
  view: DecisionView;
  group: Group;
  /** How many may vote: stored at the close, counted from the roster before it. */
  eligibleWeight: number;
  canManage: boolean;
  canClose: boolean;
}

/** The decision `id` as `viewer` may see it, with what they may steer; null if they may not read it. */
export async function decisionShown(
  ctx: DecisionsContext,
  viewer: LocalMember | null,
  id: string,
): Promise<DecisionShown | null> {
  const view = await decisionView(ctx, viewer, id);
  const groupId = view?.decision.group_id;
  const group = groupId ? await findGroupById(ctx.db, groupId) : undefined;
  if (!view || !group) return null;
  const d = view.decision;
  const standing = viewer ? await standingOf(ctx.db, ctx.origin, group, viewer) : null;
  const active = standing?.status === "active";
  const proposer = !!viewer && d.created_by_uri === memberUri(ctx.origin, viewer.username);
  return {
    view,
    group,
    eligibleWeight:
      d.eligible_weight ??
      view.tally?.eligibleWeight ??
      (await eligibleWeightOf(ctx.db, ctx.origin, group, d)),
    canManage: active && (proposer || canModerate(standing?.role)),
    canClose: active && canModerate(standing?.role),
  };
}
