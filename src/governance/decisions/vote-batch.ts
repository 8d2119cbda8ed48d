/**
 * Writes a batch of votes on one decision in one transaction (votes.ts queues
 * them; group-commit.ts forms the batches). Every vote is checked as if it
 * were alone — found, hosted here, open at the moment it was cast, thread
 * visible, eligible, valid for the rule — and gets its own answer; a refused
 * vote writes nothing. The decision is read once, locked on PostgreSQL (a close
 * or an amendment waits for the batch, or the batch for it, and sees the
 * other's result), eligibility is read once for all voters, first votes go in
 * one insert whose unique key `(decision, voter)` says who had voted already,
 * and the counter, `updated_at` and the outbox event are written once.
 *
 * Within a batch the votes keep their order: a second vote by the same voter
 * (or for the same co-op) is a change of the first, allowed only where the
 * decision allows changes, exactly as if the two had come one after the other.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../../db/outbox.ts";
import type { Schema } from "../../db/schema.ts";
import type { Group } from "../../groups/groups.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { coopUri } from "../../kernel/uris.ts";
import { MAX_WEIGHT } from "./constants.ts";
import type { DecisionsContext, Voter } from "./context.ts";
import { type Decision, laterThan, lockDecision, settingsOf, weighsCoops } from "./decisions.ts";
import { decisionEligibilities, type Eligible, weigher } from "./eligibility.ts";
import {
  changeSecretBallot,
  insertSecretBallots,
  isPostgres,
  rewriteInKeyOrder,
} from "./secret-ballot.ts";
import { type BallotChoice, validateChoice } from "./types.ts";
import type { CastVote, VoteCast, VoteProblem } from "./votes.ts";

/** One vote waiting to be written: who, what, and when it was cast. */
export interface VoteRequest {
  ctx: DecisionsContext;
  voter: Voter;
  input: CastVote;
  now: Date;
}

type Answer = Result<VoteCast, VoteProblem>;

/** A vote that passed its checks, ready to write. */
interface Accepted {
  index: number;
  req: VoteRequest;
  eligible: Eligible;
  choice: BallotChoice;
  /** What the vote counts (1, or a co-op's members in a decision weighted by members). */
  weight?: number;
}

/** Is the window open at `now`? */
export function votingWindow(d: Decision, now: Date): "not-open" | "open" | "closed" {
  if (d.status === "closed" || Date.parse(d.closes_at) <= now.getTime()) return "closed";
  if (Date.parse(d.opens_at) > now.getTime()) return "not-open";
  return "open";
}

/** Writes votes that all name the same decision; one answer per vote, in order. */
export async function writeVotes(requests: VoteRequest[]): Promise<Answer[]> {
  const first = requests[0];
  if (!first) return [];
  const { ctx } = first;
  return ctx.db.transaction().execute(async (trx) => {
    const answers: Answer[] = requests.map(() => fail("not-found"));
    const d = await lockDecision(trx, first.input.decisionId, isPostgres(trx));
    if (!d) return answers;
    if (!d.local || !d.group_id) return answers.map(() => fail("not-hosted-here"));
    const open: number[] = [];
    requests.forEach((r, i) => {
      const window = votingWindow(d, r.now);
      if (window === "open") open.push(i);
      else answers[i] = fail(window);
    });
    if (open.length === 0) return answers;
    const group = await groupOfVisibleThread(trx, d);
    if (!group) return answers; // not-found, as for a deleted or hidden thread
    const eligibility = await decisionEligibilities(
      trx,
      ctx.origin,
      group,
      d,
      open.map((i) => {
        const r = requests[i] as VoteRequest;
        return { voterUri: r.voter.uri, countsFor: r.input.countsFor };
      }),
    );
    const accepted: Accepted[] = [];
    open.forEach((index, k) => {
      const req = requests[index] as VoteRequest;
      const eligible = eligibility[k];
      if (!eligible) {
        answers[index] = fail("not-eligible");
        return;
      }
      const choice = validateChoice(settingsOf(d), req.input.choice);
      if (!choice.ok) answers[index] = choice;
      else accepted.push({ index, req, eligible, choice: choice.value });
    });
    if (accepted.length === 0) return answers;
    await keepReportedSizes(trx, ctx, d, group, accepted);
    const weigh = await weigher(trx, ctx.origin, group, d);
    for (const a of accepted) a.weight = weigh(a.eligible.countsFor);

    const written =
      d.ballot === "secret"
        ? await secretVotes(trx, d, accepted, answers)
        : await namedVotes(trx, d, accepted, answers);
    if (written.any) {
      await trx
        .updateTable("decisions")
        .set((eb) => ({
          voters_count: eb("voters_count", "+", written.newVoters),
          updated_at: laterThan(d.updated_at, ctx.clock.now()),
        }))
        .where("id", "=", d.id)
        .execute();
      await recordEvent(trx, { type: "decisions.vote.cast", payload: { decisionId: d.id } });
    }
    return answers;
  });
}

/**
 * A co-op's delegate voting from the co-op's node says how many active members
 * the co-op has; in a decision weighted by members the latest report is kept
 * (this node counts its own co-op itself). Only an eligible vote for a co-op gets here.
 */
async function keepReportedSizes(
  trx: Kysely<Schema>,
  ctx: DecisionsContext,
  d: Decision,
  group: Group,
  accepted: Accepted[],
): Promise<void> {
  if (d.weighting !== "members" || !weighsCoops(group)) return;
  const ours = coopUri(ctx.origin);
  for (const a of accepted) {
    const reported = a.req.input.coopMembers;
    const coop = a.eligible.countsFor;
    if (reported === undefined || coop === a.req.voter.uri || coop === ours) continue;
    if (!Number.isSafeInteger(reported) || reported < 1) continue;
    const members = Math.min(MAX_WEIGHT, reported);
    const at = a.req.now.toISOString();
    await trx
      .insertInto("decision_coop_sizes")
      .values({ group_id: group.id, coop_uri: coop, members, reported_at: at })
      .onConflict((oc) =>
        oc.columns(["group_id", "coop_uri"]).doUpdateSet({ members, reported_at: at }),
      )
      .execute();
  }
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

/**
 * Splits accepted votes into each vote-holder's first in the batch (written
 * together) and later ones (changes, written one by one in order).
 */
function firstsAndRepeats(accepted: Accepted[]) {
  const seen = new Set<string>();
  const firsts: Accepted[] = [];
  const repeats: Accepted[] = [];
  for (const a of accepted) {
    if (seen.has(a.eligible.countsFor)) repeats.push(a);
    else {
      seen.add(a.eligible.countsFor);
      firsts.push(a);
    }
  }
  return { firsts, repeats };
}

/** A named vote's stored choice: the reason lives in its own column (moderators can hide it). */
function withoutReason(choice: BallotChoice): { choice: BallotChoice; reason: string } {
  if ("position" in choice) {
    const { reason, ...rest } = choice;
    return { choice: rest, reason: reason ?? "" };
  }
  return { choice, reason: "" };
}

interface Written {
  any: boolean;
  newVoters: number;
}

async function namedVotes(
  trx: Kysely<Schema>,
  d: Decision,
  accepted: Accepted[],
  answers: Answer[],
): Promise<Written> {
  const { firsts, repeats } = firstsAndRepeats(accepted);
  const inserted = await trx
    .insertInto("decision_votes")
    .values(
      firsts.map((a) => {
        const at = a.req.now.toISOString();
        const stored = withoutReason(a.choice);
        return {
          id: newId(),
          decision_id: d.id,
          voter_uri: a.eligible.countsFor,
          cast_by_uri: a.req.voter.uri,
          account_id: a.req.voter.accountId,
          weight: a.weight ?? 1,
          choice: JSON.stringify(stored.choice),
          reason: stored.reason,
          reason_hidden_at: null,
          created_at: at,
          updated_at: at,
        };
      }),
    )
    .onConflict((oc) => oc.columns(["decision_id", "voter_uri"]).doNothing())
    .returning("voter_uri")
    .execute();
  const fresh = new Set(inserted.map((r) => r.voter_uri));
  const changes: Accepted[] = [...repeats];
  for (const a of firsts) {
    if (fresh.has(a.eligible.countsFor))
      answers[a.index] = ok({ countsFor: a.eligible.countsFor, changed: false, receipt: null });
    else changes.push(a);
  }
  let changed = 0;
  for (const a of changes.sort((x, y) => x.index - y.index)) {
    if (!d.vote_changes) {
      answers[a.index] = fail("already-voted");
      continue;
    }
    const stored = withoutReason(a.choice);
    await trx
      .updateTable("decision_votes")
      .set({
        choice: JSON.stringify(stored.choice),
        reason: stored.reason,
        reason_hidden_at: null,
        cast_by_uri: a.req.voter.uri,
        account_id: a.req.voter.accountId,
        weight: a.weight ?? 1,
        updated_at: a.req.now.toISOString(),
      })
      .where("decision_id", "=", d.id)
      .where("voter_uri", "=", a.eligible.countsFor)
      .execute();
    changed++;
    answers[a.index] = ok({ countsFor: a.eligible.countsFor, changed: true, receipt: null });
  }
  return { any: fresh.size + changed > 0, newVoters: fresh.size };
}

async function secretVotes(
  trx: Kysely<Schema>,
  d: Decision,
  accepted: Accepted[],
  answers: Answer[],
): Promise<Written> {
  const { firsts, repeats } = firstsAndRepeats(accepted);
  const receipts = await insertSecretBallots(
    trx,
    d.id,
    firsts.map((a) => ({
      voterUri: a.eligible.countsFor,
      castByUri: a.req.voter.uri,
      weight: a.weight ?? 1,
      choice: a.choice,
    })),
  );
  const changes: Accepted[] = [...repeats];
  let newVoters = 0;
  for (const [i, a] of firsts.entries()) {
    const receipt = receipts[i];
    if (!receipt) changes.push(a);
    else {
      newVoters++;
      answers[a.index] = ok({ countsFor: a.eligible.countsFor, changed: false, receipt });
    }
  }
  let changed = 0;
  for (const a of changes.sort((x, y) => x.index - y.index)) {
    const receipt = a.req.input.receipt;
    if (!d.vote_changes) answers[a.index] = fail("already-voted");
    else if (!receipt) answers[a.index] = fail("receipt-required");
    else if (!(await changeSecretBallot(trx, d.id, receipt, a.choice)))
      answers[a.index] = fail("receipt-unknown");
    else {
      changed++;
      answers[a.index] = ok({ countsFor: a.eligible.countsFor, changed: true, receipt: null });
    }
  }
  const any = newVoters + changed > 0;
  // PostgreSQL: once per batch, so every row of the decision carries this transaction's xmin.
  if (any && isPostgres(trx)) await rewriteInKeyOrder(trx, d.id);
  return { any, newVoters };
}
