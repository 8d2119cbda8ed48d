/**
 * Reads for pages, the API and federation: one decision as a viewer may see
 * it (tally only when the results rule allows, who voted unless secret, what
 * each chose only when named), a group's decisions, and "Decisions waiting
 * for me" across every group the member may vote in.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import type { LocalMember } from "../../groups/context.ts";
import { findGroupById } from "../../groups/groups.ts";
import { canRead } from "../../groups/threads.ts";
import { memberUri } from "../../kernel/uris.ts";
import { tallyOf } from "./closing.ts";
import type { DecisionsContext } from "./context.ts";
import {
  type Decision,
  type DecisionOption,
  findDecision,
  optionsOf,
  settingsOf,
} from "./decisions.ts";
import { decisionEligibility, eligibilityOf } from "./eligibility.ts";
import { canSeeResults } from "./results-visibility.ts";
import type { BallotChoice, RuleSettings, Tally } from "./types.ts";
import { hasVoted, votingWindow } from "./votes.ts";

export interface VoteView {
  /** Whom it counts for (a member, or a co-op). */
  voterUri: string;
  castByUri: string;
  /** Only for named ballots. */
  choice: BallotChoice | null;
  /** Empty when hidden by a moderator (the viewer moderating sees `reasonHidden`). */
  reason: string;
  reasonHidden: boolean;
  voteId: string;
  at: string;
}

export interface DecisionView {
  decision: Decision;
  options: DecisionOption[];
  settings: RuleSettings;
  window: "not-open" | "open" | "closed";
  /** May this viewer vote now (eligible, open, and not yet voted or changes allowed)? */
  canVote: boolean;
  hasVoted: boolean;
  /** The viewer's own named or anonymous choice (a secret one is read with the receipt). */
  myChoice: BallotChoice | null;
  /** Null while the results rule hides it from this viewer. */
  tally: Tally | null;
  /** Who voted (named and anonymous ballots; null for secret ones: only the count shows). */
  votes: VoteView[] | null;
}

/** A decision as `viewer` (null: signed out) may see it; null when they may not read its group. */
export async function decisionView(
  ctx: DecisionsContext,
  viewer: LocalMember | null,
  id: string,
): Promise<DecisionView | null> {
  const d = await findDecision(ctx.db, id);
  if (!d?.group_id) return null;
  const group = await findGroupById(ctx.db, d.group_id);
  if (!group || !(await canRead(ctx.db, ctx.origin, group, viewer))) return null;
  const post = await ctx.db
    .selectFrom("posts")
    .select(["deleted_at", "hidden_at"])
    .where("id", "=", d.post_id)
    .executeTakeFirst();
  if (!post || post.deleted_at || post.hidden_at) return null;
  const now = ctx.clock.now();
  const window = votingWindow(d, now);
  const me = viewer ? memberUri(ctx.origin, viewer.username) : null;
  const voted = me ? await hasVoted(ctx.db, d, me) : false;
  const eligible = me ? await decisionEligibility(ctx.db, ctx.origin, group, d, me) : null;
  const results = canSeeResults({
    visibility: d.results_visibility,
    closed: window === "closed",
    hasVoted: voted,
  });
  const votes = d.ballot === "secret" ? null : await votesOf(ctx.db, d);
  const mine = me && votes ? votes.find((v) => v.castByUri === me || v.voterUri === me) : null;
  const myChoice = mine?.choice ?? null;
  return {
    decision: d,
    options: optionsOf(d),
    settings: settingsOf(d),
    window,
    canVote: window === "open" && !!eligible && (!voted || d.vote_changes === 1),
    hasVoted: voted,
    myChoice,
    tally: results ? await tallyOf(ctx, d) : null,
    votes:
      votes && d.ballot === "anonymous"
        ? votes.map((v) => ({ ...v, choice: null, reason: "" }))
        : votes,
  };
}

async function votesOf(db: Kysely<Schema>, d: Decision): Promise<VoteView[]> {
  const rows = await db
    .selectFrom("decision_votes")
    .selectAll()
    .where("decision_id", "=", d.id)
    .orderBy("id")
    .limit(10_000)
    .execute();
  return rows.map((r) => ({
    voterUri: r.voter_uri,
    castByUri: r.cast_by_uri,
    choice: JSON.parse(r.choice) as BallotChoice,
    reason: r.reason_hidden_at ? "" : r.reason,
    reasonHidden: !!r.reason_hidden_at,
    voteId: r.id,
    at: r.updated_at,
  }));
}

/** A group's decisions, newest first (hidden or deleted threads left out). */
export async function decisionsOfGroup(db: Kysely<Schema>, groupId: string, limit = 50) {
  return db
    .selectFrom("decisions as d")
    .innerJoin("posts as p", "p.id", "d.post_id")
    .selectAll("d")
    .where("d.group_id", "=", groupId)
    .where("p.deleted_at", "is", null)
    .where("p.hidden_at", "is", null)
    .orderBy("d.id", "desc")
    .limit(Math.min(Math.max(limit, 1), 200))
    .execute();
}

/**
 * Open decisions hosted here where `member` may vote (for themself or as a
 * delegate) and has not yet, soonest closing first. Open decisions are few;
 * eligibility is asked of each one's group.
 */
export async function decisionsWaitingFor(
  ctx: DecisionsContext,
  member: LocalMember,
): Promise<Decision[]> {
  const now = ctx.clock.now().toISOString();
  const me = memberUri(ctx.origin, member.username);
  const open = await ctx.db
    .selectFrom("decisions as d")
    .innerJoin("posts as p", "p.id", "d.post_id")
    .selectAll("d")
    .where("d.status", "=", "open")
    .where("d.local", "=", 1)
    .where("d.opens_at", "<=", now)
    .where("d.closes_at", ">", now)
    .where("p.deleted_at", "is", null)
    .where("p.hidden_at", "is", null)
    .orderBy("d.closes_at")
    .limit(500)
    .execute();
  const waiting: Decision[] = [];
  for (const d of open) {
    const group = d.group_id ? await findGroupById(ctx.db, d.group_id) : undefined;
    if (!group) continue;
    const eligible = await eligibilityOf(ctx.db, ctx.origin, group, me);
    if (!eligible) continue;
    if (await hasVoted(ctx.db, d, eligible.countsFor)) continue;
    waiting.push(d);
  }
  return waiting;
}
