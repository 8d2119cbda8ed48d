/**
 * Casting a vote: the voter must be eligible (groups/voting.ts), the window
 * open, the choice valid for the rule (validateChoice); one vote counts per
 * person or co-op, and a vote may be changed until the close when the decision
 * allows it. All checks run inside the transaction; one vote per voter is the
 * unique key's to keep. Concurrent votes on one decision are written in one
 * transaction (group commit, vote-batch.ts); on PostgreSQL the batch locks the
 * decision's row (a close or an amendment waits for it, or it for them).
 *
 * Named and anonymous votes are rows of decision_votes; secret ones go to
 * secret-ballot.ts and give the voter a receipt, their only way to change it.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import type { Result } from "../../kernel/errors.ts";
import type { DecisionsContext, Voter } from "./context.ts";
import type { Decision } from "./decisions.ts";
import { type GroupCommit, groupCommit } from "./group-commit.ts";
import type { ChoiceProblem } from "./types.ts";
import { type VoteRequest, votingWindow, writeVotes } from "./vote-batch.ts";

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
  /**
   * A co-op's delegate voting from the co-op's own node: the co-op's active
   * members as that node reports them (kept for decisions weighted by members).
   */
  coopMembers?: number;
}

export interface VoteCast {
  /** Whom the vote counts for (the voter, or their co-op). */
  countsFor: string;
  changed: boolean;
  /** A secret ballot's receipt, shown to the voter once (null otherwise, and on a change). */
  receipt: string | null;
}

export { votingWindow };

/** One batcher per database handle: votes on the same decision share a transaction (group-commit.ts). */
const batchers = new WeakMap<
  Kysely<Schema>,
  GroupCommit<VoteRequest, Result<VoteCast, VoteProblem>>
>();

/**
 * Casts a vote. Votes on one decision that arrive while an earlier one is being
 * written are written together, in one transaction (vote-batch.ts checks each
 * as if alone); the answer comes once the vote is committed.
 */
export function castVote(
  ctx: DecisionsContext,
  voter: Voter,
  input: CastVote,
): Promise<Result<VoteCast, VoteProblem>> {
  let batcher = batchers.get(ctx.db);
  if (!batcher) {
    batcher = groupCommit(writeVotes);
    batchers.set(ctx.db, batcher);
  }
  return batcher.submit(input.decisionId, { ctx, voter, input, now: ctx.clock.now() });
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
