/**
 * A decision as one viewer may see it, for the pages and the JSON API alike, so
 * the visibility rules are applied once: the tally only when results-visibility
 * allows it (results-visibility.ts: secret ballots wait for the close), who voted
 * never for a secret ballot, and what each chose (with their reason) only for a
 * named one; an anonymous ballot lists who voted, not what.
 */
import type { Group } from "../../groups/groups.ts";
import { canModerate, standingOf } from "../../groups/standing.ts";
import { memberUri } from "../../kernel/uris.ts";
import { tallyOf } from "./closing.ts";
import type { DecisionsContext } from "./context.ts";
import { type Decision, type DecisionOption, optionsOf, settingsOf } from "./decisions.ts";
import { eligibilityOf, everyoneEligible } from "./eligibility.ts";
import { canSeeResults } from "./results-visibility.ts";
import type { BallotChoice, RuleSettings, Tally } from "./types.ts";
import { hasVoted } from "./votes.ts";

/** Most voters listed with a decision (the count says how many there are). */
export const MAX_VOTERS_LISTED = 1000;

export interface VoterEntry {
  uri: string;
  /** Named ballots only. */
  choice?: BallotChoice;
  /** Named ballots only, unless a moderator hid it. */
  reason?: string;
}

export interface DecisionView {
  decision: Decision;
  settings: RuleSettings;
  options: DecisionOption[];
  /** As of now: a decision past its close is closed even before the sweep stores it. */
  status: "scheduled" | "open" | "closed";
  eligibleWeight: number;
  /** Null when the viewer may not see it yet. */
  tally: Tally | null;
  /** Null for a secret ballot. */
  voters: VoterEntry[] | null;
  viewer: {
    hasVoted: boolean;
    canVote: boolean;
    /** The proposer or a moderator: amend, write the outcome. */
    canManage: boolean;
    /** A moderator: close early. */
    canClose: boolean;
  };
}

export function statusAt(
  d: Pick<Decision, "status" | "opens_at" | "closes_at">,
  now: Date,
): DecisionView["status"] {
  const at = now.toISOString();
  if (d.status === "closed" || d.closes_at <= at) return "closed";
  return d.opens_at > at ? "scheduled" : "open";
}

async function votersOf(ctx: DecisionsContext, d: Decision): Promise<VoterEntry[]> {
  const rows = await ctx.db
    .selectFrom("decision_votes")
    .select(["voter_uri", "choice", "reason", "reason_hidden_at"])
    .where("decision_id", "=", d.id)
    .orderBy("id")
    .limit(MAX_VOTERS_LISTED)
    .execute();
  return rows.map((r) => {
    if (d.ballot !== "named") return { uri: r.voter_uri };
    const entry: VoterEntry = { uri: r.voter_uri, choice: JSON.parse(r.choice) as BallotChoice };
    if (r.reason && !r.reason_hidden_at) entry.reason = r.reason;
    return entry;
  });
}

/** The decision `d` of `group` as `viewer` (a member here, or null) may see it at `now`. */
export async function decisionView(
  ctx: DecisionsContext,
  group: Group,
  d: Decision,
  viewer: { id: string; username: string } | null,
  now: Date,
): Promise<DecisionView> {
  const status = statusAt(d, now);
  const me = viewer ? memberUri(ctx.origin, viewer.username) : null;
  const voted = me ? await hasVoted(ctx.db, d, me) : false;
  const eligible =
    me && status === "open" ? await eligibilityOf(ctx.db, ctx.origin, group, me) : null;
  const standing = viewer ? await standingOf(ctx.db, ctx.origin, group, viewer) : null;
  const active = standing?.status === "active";
  const visible = canSeeResults({
    visibility: d.results_visibility,
    closed: status === "closed",
    hasVoted: voted,
  });
  const tally = visible ? await tallyOf(ctx, d) : null;
  return {
    decision: d,
    settings: settingsOf(d),
    options: optionsOf(d),
    status,
    eligibleWeight:
      d.eligible_weight ??
      tally?.eligibleWeight ??
      (await everyoneEligible(ctx.db, ctx.origin, group)).length,
    tally,
    voters: d.ballot === "secret" ? null : await votersOf(ctx, d),
    viewer: {
      hasVoted: voted,
      canVote: !!eligible,
      canManage: active && (d.created_by_uri === me || canModerate(standing?.role)),
      canClose: active && canModerate(standing?.role),
    },
  };
}
