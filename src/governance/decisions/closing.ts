/**
 * The end of a decision: closing (by time, from the sweep, or early by a group
 * moderator) counts the stored ballots with the pure engine (count.ts) and
 * stores the tally, the eligible weight and the seed it used, so anyone with
 * the ballot export can recount it. Then the proposer or a moderator writes
 * the outcome and a review date, posted as a reply in the thread and notified
 * to everyone eligible.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import { recordEvent } from "../../db/outbox.ts";
import type { Schema } from "../../db/schema.ts";
import type { LocalMember } from "../../groups/context.ts";
import { findGroupById, type Group } from "../../groups/groups.ts";
import { canModerate, standingOf } from "../../groups/standing.ts";
import { writeInGroupWithin } from "../../groups/threads.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { groupUri, memberUri } from "../../kernel/uris.ts";
import { MAX_POST_LENGTH } from "../../social/content.ts";
import { notify } from "../../social/notifications.ts";
import { textPost } from "../../social/posts.ts";
import type { DecisionsContext } from "./context.ts";
import { type Decision, lockDecision, maySteer, settingsOf } from "./decisions.ts";
import { eligibleWeightOf, everyoneEligible, localAccountsOf } from "./eligibility.ts";
import { isPostgres, secretBallots } from "./secret-ballot.ts";
import { type Ballot, type BallotChoice, count, type Tally } from "./types.ts";

/** The ballots of the current round, as the count takes them (named: in id order). */
export async function ballotsOf(
  db: Kysely<Schema>,
  d: Pick<Decision, "id" | "ballot">,
): Promise<Ballot[]> {
  if (d.ballot === "secret") return secretBallots(db, d.id);
  const rows = await db
    .selectFrom("decision_votes")
    .select(["choice", "weight"])
    .where("decision_id", "=", d.id)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ choice: JSON.parse(r.choice) as BallotChoice, weight: r.weight }));
}

/**
 * Live counts of open decisions, per database handle, keyed by the decision's id
 * and `updated_at`: every write that changes the ballots (a batch of votes, an
 * amendment, the close) moves `updated_at` forward, strictly (vote-batch.ts), so
 * a key names one state of the ballots, whichever process wrote it. The eligible
 * weight (the roster) can change without a vote: an entry lives LIVE_TALLY_MS.
 */
const liveTallies = new WeakMap<Kysely<Schema>, Map<string, { tally: Tally; at: number }>>();
const LIVE_TALLY_MS = 30_000;
const LIVE_TALLIES = 500;

/** The count of the ballots so far (or the stored tally of a closed decision). */
export async function tallyOf(ctx: DecisionsContext, d: Decision): Promise<Tally | null> {
  if (d.tally) return JSON.parse(d.tally) as Tally;
  if (!d.group_id) return null;
  let cache = liveTallies.get(ctx.db);
  if (!cache) {
    cache = new Map();
    liveTallies.set(ctx.db, cache);
  }
  const key = `${d.id} ${d.updated_at}`;
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < LIVE_TALLY_MS) return hit.tally;
  const group = await findGroupById(ctx.db, d.group_id);
  if (!group) return null;
  const tally = count(settingsOf(d), await ballotsOf(ctx.db, d), {
    eligibleWeight: await eligibleWeightOf(ctx.db, ctx.origin, group, d),
    seed: d.seed,
  });
  // Oldest out first (a Map keeps insertion order).
  if (cache.size >= LIVE_TALLIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, { tally, at: now });
  return tally;
}

/**
 * What other capabilities do when a decision closes, inside its closing
 * transaction (a decision that carries an action, such as a data commons budget:
 * commons/budget-decisions.ts). Decisions know nothing of them; the node
 * registers them (app.ts). A hook that throws rolls the close back.
 */
export type DecisionClosedHook = (
  trx: Kysely<Schema>,
  closed: { decision: Decision; tally: Tally; at: Date },
) => Promise<void>;
const closedHooks = new Set<DecisionClosedHook>();
export function onDecisionClosed(hook: DecisionClosedHook): void {
  closedHooks.add(hook);
}

/** Counts and closes, inside the caller's transaction (the decision row already locked). */
export async function closeWithin(
  trx: Kysely<Schema>,
  ctx: DecisionsContext,
  d: Decision,
  group: Group,
  byUri: string | null,
): Promise<Tally> {
  const eligibleWeight = await eligibleWeightOf(trx, ctx.origin, group, d);
  const tally = count(settingsOf(d), await ballotsOf(trx, d), { eligibleWeight, seed: d.seed });
  const at = ctx.clock.now().toISOString();
  await trx
    .updateTable("decisions")
    .set({
      status: "closed",
      tally: JSON.stringify(tally),
      eligible_weight: eligibleWeight,
      closed_at: at,
      closed_by_uri: byUri,
      updated_at: at,
    })
    .where("id", "=", d.id)
    .execute();
  await recordEvent(trx, { type: "decisions.decision.closed", payload: { decisionId: d.id } });
  for (const hook of closedHooks) await hook(trx, { decision: d, tally, at: ctx.clock.now() });
  return tally;
}

export type CloseProblem = "not-found" | "forbidden" | "closed";

/** A moderator of the group closes voting early; the count is stored. */
export async function closeDecision(
  ctx: DecisionsContext,
  actor: LocalMember,
  input: { decisionId: string },
): Promise<Result<{ tally: Tally }, CloseProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const d = await lockDecision(trx, input.decisionId, isPostgres(trx));
    if (!d?.local || !d.group_id) return fail("not-found" as const);
    const group = await findGroupById(trx, d.group_id);
    if (!group) return fail("not-found" as const);
    if (!canModerate((await standingOf(trx, ctx.origin, group, actor)).role))
      return fail("forbidden" as const);
    if (d.status === "closed") return fail("closed" as const);
    const tally = await closeWithin(trx, ctx, d, group, memberUri(ctx.origin, actor.username));
    return ok({ tally });
  });
}

export const outcomeSchema = z.strictObject({
  /** Posted as a reply in the thread: a post's limit. */
  outcome: z.string().trim().min(1).max(MAX_POST_LENGTH),
  /** ISO date or time when the group looks at it again; optional. */
  reviewAt: z.iso.datetime({ offset: true }).or(z.iso.date()).nullable().default(null),
});

export type OutcomeProblem =
  | "not-found"
  | "forbidden"
  | "invalid"
  | "not-closed"
  | "outcome-recorded";

/**
 * The proposer or a moderator writes what was decided and when to review it;
 * it is posted in the thread (a reply) and notified to everyone eligible here.
 */
export async function recordOutcome(
  ctx: DecisionsContext,
  actor: LocalMember,
  input: { decisionId: string; outcome: unknown },
): Promise<Result<{ postId: string }, OutcomeProblem>> {
  const parsed = outcomeSchema.safeParse(input.outcome);
  if (!parsed.success) return fail("invalid");
  const { outcome, reviewAt } = parsed.data;
  return ctx.db.transaction().execute(async (trx) => {
    const d = await lockDecision(trx, input.decisionId, isPostgres(trx));
    if (!d?.local || !d.group_id) return fail("not-found" as const);
    const group = await findGroupById(trx, d.group_id);
    if (!group) return fail("not-found" as const);
    if (!(await maySteer(trx, ctx, group, d, actor))) return fail("forbidden" as const);
    if (d.status !== "closed") return fail("not-closed" as const);
    if (d.outcome !== null) return fail("outcome-recorded" as const);
    const reply = await writeInGroupWithin(trx, ctx, group, actor, {
      ...textPost(outcome),
      inReplyToId: d.post_id,
    });
    if (!reply.ok) return fail(reply.reason === "forbidden" ? "forbidden" : ("invalid" as const));
    const at = ctx.clock.now().toISOString();
    await trx
      .updateTable("decisions")
      .set({
        outcome,
        outcome_at: at,
        review_at: reviewAt ? new Date(reviewAt).toISOString() : null,
        outcome_post_id: reply.value.id,
        updated_at: at,
      })
      .where("id", "=", d.id)
      .execute();
    await notifyEligible(trx, ctx, group, d, "decision_outcome", () => true);
    await recordEvent(trx, { type: "decisions.outcome.recorded", payload: { decisionId: d.id } });
    return ok({ postId: reply.value.id });
  });
}

/**
 * Notifies this node's members among those eligible (for a co-op: its
 * delegates) for whom `wanted(countsFor)` holds; returns whom it notified.
 * The notice comes from the group and points at the thread.
 */
export async function notifyEligible(
  trx: Kysely<Schema>,
  ctx: DecisionsContext,
  group: Group,
  d: Decision,
  type: "decision_opened" | "decision_reminder" | "decision_outcome",
  wanted: (countsFor: string) => boolean,
) {
  const eligible = (await everyoneEligible(trx, ctx.origin, group)).filter((e) =>
    wanted(e.countsFor),
  );
  const accounts = await localAccountsOf(trx, ctx.origin, [
    ...new Set(eligible.flatMap((e) => e.castBy)),
  ]);
  const from = groupUri(ctx.origin, group.name);
  for (const a of accounts)
    await notify(trx, { accountId: a.id, type, fromUri: from, postId: d.post_id }, ctx.clock);
  return accounts;
}
