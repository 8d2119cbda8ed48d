/**
 * Casting a vote: the voter must be eligible (groups/voting.ts), the window
 * open, the choice valid for the rule (validateChoice); one vote counts per
 * person or co-op, and a vote may be changed until the close when the decision
 * allows it. All checks run inside the transaction; one vote per voter is the
 * unique key's to keep. On PostgreSQL the decision's row is locked for the
 * writes (a close or an amendment waits, and is seen: the checks run again).
 *
 * Named and anonymous votes are rows of decision_votes; secret ones go to
 * secret-ballot.ts and give the voter a receipt, their only way to change it.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../../db/outbox.ts";
import type { Schema } from "../../db/schema.ts";
import type { Group } from "../../groups/groups.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import type { DecisionsContext, Voter } from "./context.ts";
import { type Decision, findDecision, lockDecision, settingsOf } from "./decisions.ts";
import { decisionEligibility, type Eligible } from "./eligibility.ts";
import { castSecretBallot, changeSecretBallot, isPostgres } from "./secret-ballot.ts";
import { type BallotChoice, type ChoiceProblem, validateChoice } from "./types.ts";

export type VoteProblem =
  | "not-found"
  | "not-hosted-here"
  | "not-open"
  | "closed"
  | "not-eligible"
  | "already-voted"
  | "receipt-required"
  | "receipt-unknown"
  | ChoiceProblem;

export interface CastVote {
  decisionId: string;
  /** The raw choice (form, JSON or activity): validated against the decision's rule. */
  choice: unknown;
  /** For a delegate of several co-ops: which one this vote is for. */
  countsFor?: string;
  /** Changing a secret ballot: the receipt given when it was cast. */
  receipt?: string;
}

export interface VoteCast {
  /** Whom the vote counts for (the voter, or their co-op). */
  countsFor: string;
  changed: boolean;
  /** A secret ballot's receipt, shown to the voter once (null otherwise, and on a change). */
  receipt: string | null;
}

/** Is the window open at `now`? */
export function votingWindow(d: Decision, now: Date): "not-open" | "open" | "closed" {
  if (d.status === "closed" || Date.parse(d.closes_at) <= now.getTime()) return "closed";
  if (Date.parse(d.opens_at) > now.getTime()) return "not-open";
  return "open";
}

/** A named vote's stored choice: the reason lives in its own column (moderators can hide it). */
function withoutReason(choice: BallotChoice): { choice: BallotChoice; reason: string } {
  if ("position" in choice) {
    const { reason, ...rest } = choice;
    return { choice: rest, reason: reason ?? "" };
  }
  return { choice, reason: "" };
}

export async function castVote(
  ctx: DecisionsContext,
  voter: Voter,
  input: CastVote,
): Promise<Result<VoteCast, VoteProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    // PostgreSQL: the reads come first and the decision's row is locked only for the writes,
    // so concurrent votes queue for a few statements, not all of them. SQLite has one writer.
    const postgres = isPostgres(trx);
    const read = postgres
      ? await findDecision(trx, input.decisionId)
      : await lockDecision(trx, input.decisionId, false);
    const checked = await checkVote(trx, ctx, read, voter, input, now);
    if (!checked.ok) return checked;
    let d = checked.value.d;
    if (postgres) {
      // Closed, amended or hidden meanwhile? Then check again, under the lock.
      const locked = await lockDecision(trx, input.decisionId, true);
      if (!locked || changedSince(d, locked)) {
        const again = await checkVote(trx, ctx, locked, voter, input, now);
        if (!again.ok) return again;
        checked.value.choice = again.value.choice;
        checked.value.eligible = again.value.eligible;
      }
      d = locked ?? d;
    }
    const { eligible } = checked.value;
    const base = { decisionId: d.id, countsFor: eligible.countsFor };
    const done =
      d.ballot === "secret"
        ? await secretVote(trx, d, voter, base, checked.value.choice, input.receipt)
        : await namedVote(trx, ctx, d, voter, base, checked.value.choice);
    if (!done.ok) return done;
    await trx
      .updateTable("decisions")
      .set((eb) => ({
        voters_count: done.value.changed ? eb.ref("voters_count") : eb("voters_count", "+", 1),
        updated_at: now.toISOString(),
      }))
      .where("id", "=", d.id)
      .execute();
    await recordEvent(trx, { type: "decisions.vote.cast", payload: { decisionId: d.id } });
    return done;
  });
}

/** Did the decision change in a way a vote's checks depend on (closed, amended, times moved)? */
const changedSince = (a: Decision, b: Decision) =>
  a.status !== b.status ||
  a.round !== b.round ||
  a.opens_at !== b.opens_at ||
  a.closes_at !== b.closes_at ||
  a.ballot !== b.ballot ||
  a.vote_changes !== b.vote_changes ||
  a.settings !== b.settings;

/** Every check of a vote but the write's own: found, hosted here, open, visible, eligible, valid. */
async function checkVote(
  trx: Kysely<Schema>,
  ctx: DecisionsContext,
  d: Decision | undefined,
  voter: Voter,
  input: CastVote,
  now: Date,
): Promise<Result<{ d: Decision; eligible: Eligible; choice: BallotChoice }, VoteProblem>> {
  if (!d) return fail("not-found");
  if (!d.local || !d.group_id) return fail("not-hosted-here");
  const window = votingWindow(d, now);
  if (window !== "open") return fail(window);
  const group = await groupOfVisibleThread(trx, d);
  if (!group) return fail("not-found");
  const eligible = await decisionEligibility(trx, ctx.origin, group, d, voter.uri, input.countsFor);
  if (!eligible) return fail("not-eligible");
  const choice = validateChoice(settingsOf(d), input.choice);
  if (!choice.ok) return choice;
  return ok({ d, eligible, choice: choice.value });
}

/** The decision's group, when its thread is neither deleted nor hidden (one query). */
function groupOfVisibleThread(trx: Kysely<Schema>, d: Decision): Promise<Group | undefined> {
  return trx
    .selectFrom("groups")
    .selectAll()
    .where("id", "=", d.group_id as string)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("posts")
          .select("posts.id")
          .where("posts.id", "=", d.post_id)
          .where("posts.deleted_at", "is", null)
          .where("posts.hidden_at", "is", null),
      ),
    )
    .executeTakeFirst();
}

async function namedVote(
  trx: Kysely<Schema>,
  ctx: DecisionsContext,
  d: Decision,
  voter: Voter,
  base: { decisionId: string; countsFor: string },
  choice: BallotChoice,
): Promise<Result<VoteCast, VoteProblem>> {
  const at = ctx.clock.now().toISOString();
  const stored = withoutReason(choice);
  // A first vote is one insert; only when one exists is it looked at (one vote per voter: the unique key).
  const inserted = await trx
    .insertInto("decision_votes")
    .values({
      id: newId(),
      decision_id: d.id,
      voter_uri: base.countsFor,
      cast_by_uri: voter.uri,
      account_id: voter.accountId,
      weight: 1,
      choice: JSON.stringify(stored.choice),
      reason: stored.reason,
      reason_hidden_at: null,
      created_at: at,
      updated_at: at,
    })
    .onConflict((oc) => oc.columns(["decision_id", "voter_uri"]).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1)
    return ok({ countsFor: base.countsFor, changed: false, receipt: null });
  if (!d.vote_changes) return fail("already-voted");
  await trx
    .updateTable("decision_votes")
    .set({
      choice: JSON.stringify(stored.choice),
      reason: stored.reason,
      reason_hidden_at: null,
      cast_by_uri: voter.uri,
      account_id: voter.accountId,
      updated_at: at,
    })
    .where("decision_id", "=", d.id)
    .where("voter_uri", "=", base.countsFor)
    .execute();
  return ok({ countsFor: base.countsFor, changed: true, receipt: null });
}

async function secretVote(
  trx: Kysely<Schema>,
  d: Decision,
  voter: Voter,
  base: { decisionId: string; countsFor: string },
  choice: BallotChoice,
  receipt: string | undefined,
): Promise<Result<VoteCast, VoteProblem>> {
  const issued = await castSecretBallot(trx, {
    decisionId: d.id,
    voterUri: base.countsFor,
    castByUri: voter.uri,
    weight: 1,
    choice,
  });
  if (issued) return ok({ countsFor: base.countsFor, changed: false, receipt: issued });
  if (!d.vote_changes) return fail("already-voted");
  if (!receipt) return fail("receipt-required");
  if (!(await changeSecretBallot(trx, d.id, receipt, choice))) return fail("receipt-unknown");
  return ok({ countsFor: base.countsFor, changed: true, receipt: null });
}

/** Has this actor (or the co-op they vote for) voted in the current round? */
export async function hasVoted(
  db: Kysely<Schema>,
  d: Pick<Decision, "id" | "ballot">,
  voterUri: string,
): Promise<boolean> {
  if (d.ballot === "secret") {
    const row = await db
      .selectFrom("decision_voters")
      .select("voter_uri")
      .where("decision_id", "=", d.id)
      .where((eb) => eb.or([eb("voter_uri", "=", voterUri), eb("cast_by_uri", "=", voterUri)]))
      .executeTakeFirst();
    return !!row;
  }
  const row = await db
    .selectFrom("decision_votes")
    .select("id")
    .where("decision_id", "=", d.id)
    .where((eb) => eb.or([eb("voter_uri", "=", voterUri), eb("cast_by_uri", "=", voterUri)]))
    .executeTakeFirst();
  return !!row;
}
