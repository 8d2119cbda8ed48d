/**
 * Decisions hosted on another node (docs/decisions.md, "Federation"). The host
 * counts; this node keeps a copy (a `decisions` row with local = 0, refreshed
 * from the host's Update) so its members see the decision in the group's thread,
 * and it keeps each ballot a member casts there (`decision_sent_ballots`) to
 * serve it to the host alone and announce it to the host's Group (the outbox
 * event `decisions.ballot.sent`). The host decides who is eligible; this node
 * only refuses what it can already tell is wrong (closed, not a member of the
 * group, not a delegate of our co-op, a choice the rule refuses).
 */

import type { Kysely } from "kysely";
import { recordEvent } from "../../db/outbox.ts";
import type {
  BallotKind,
  DecisionWeighting,
  ResultsVisibility,
} from "../../db/schema/decisions.ts";
import type { Schema } from "../../db/schema.ts";
import type { LocalMember } from "../../groups/context.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { coopUri } from "../../kernel/uris.ts";
import type { DecisionsContext } from "./context.ts";
import type { BallotChoice, Rule, RuleSettings } from "./types.ts";
import { validateChoice } from "./validate.ts";

/** A decision hosted elsewhere, as its node describes it (federation/decisions/parse.ts). */
export interface RemoteDecisionInput {
  uri: string;
  groupUri: string;
  threadUri: string | null;
  createdByUri: string;
  title: string;
  body: string;
  rule: Rule;
  settings: RuleSettings;
  options: { label: string; explanation: string }[];
  opensAt: string;
  closesAt: string;
  closedAt: string | null;
  ballot: BallotKind;
  resultsVisibility: ResultsVisibility;
  voteChanges: boolean;
  /** A federation voting by delegates: one vote per co-op, or by its active members. */
  weighting: DecisionWeighting;
  votersCount: number;
  round: number;
  /** Plain JSON as the host counted it (shown, never recounted here). */
  tally: unknown;
  outcome: string | null;
  reviewAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * Is the decision counted on another node? Then a secret ballot cannot be
 * secret from this node, which keeps the ballot to send it: the page says so
 * before one votes.
 */
export const isHostedElsewhere = (d: { local: number }): boolean => d.local === 0;

/**
 * Keeps or refreshes the copy of a decision hosted elsewhere, in the thread
 * `postId` (its root post as this node has it). An older description than the
 * one kept changes nothing; a new round (the proposal was amended, the host
 * cleared the votes) drops the ballots members here had sent.
 */
export async function receiveRemoteDecision(
  ctx: DecisionsContext,
  input: RemoteDecisionInput,
  placement: { postId: string },
): Promise<Result<{ id: string }, "stale" | "moved" | "local">> {
  const now = ctx.clock.now().toISOString();
  const values = {
    group_uri: input.groupUri,
    created_by_uri: input.createdByUri,
    title: input.title,
    body: input.body,
    rule: input.rule,
    settings: JSON.stringify(input.settings),
    options: JSON.stringify(input.options),
    opens_at: input.opensAt,
    closes_at: input.closesAt,
    results_visibility: input.resultsVisibility,
    vote_changes: input.voteChanges ? 1 : 0,
    weighting: input.weighting,
    ballot: input.ballot,
    status: input.closedAt ? ("closed" as const) : ("open" as const),
    round: input.round,
    voters_count: input.votersCount,
    tally: input.tally === null ? null : JSON.stringify(input.tally),
    closed_at: input.closedAt,
    outcome: input.outcome,
    outcome_at: input.outcome ? input.updatedAt : null,
    review_at: input.reviewAt,
    updated_at: input.updatedAt,
  };
  return ctx.db.transaction().execute(async (trx) => {
    // A poll-shaped decision is also its thread's Question (for Mastodon); here the
    // decision is the ballot, so the thread keeps no poll of its own to vote in twice.
    if (input.rule === "single" || input.rule === "multiple") {
      await trx.deleteFrom("polls").where("post_id", "=", placement.postId).execute();
      await trx
        .updateTable("posts")
        .set({ has_poll: 0 })
        .where("id", "=", placement.postId)
        .execute();
    }
    const kept = await trx
      .selectFrom("decisions")
      .select(["id", "local", "group_uri", "updated_at", "round"])
      .where("uri", "=", input.uri)
      .executeTakeFirst();
    if (kept?.local === 1) return fail("local");
    if (kept && kept.group_uri !== input.groupUri) return fail("moved");
    if (kept && kept.updated_at > input.updatedAt) return fail("stale");
    if (kept) {
      await trx.updateTable("decisions").set(values).where("id", "=", kept.id).execute();
      if (input.round > kept.round)
        await trx.deleteFrom("decision_sent_ballots").where("decision_id", "=", kept.id).execute();
      return ok({ id: kept.id });
    }
    const id = newId();
    await trx
      .insertInto("decisions")
      .values({
        ...values,
        id,
        uri: input.uri,
        local: 0,
        group_id: null,
        post_id: placement.postId,
        reminder_lead_seconds: null,
        // The host notifies and reminds its voters; a copy never does.
        opened_notified_at: now,
        reminded_at: now,
        seed: "",
        eligible_weight: null,
        closed_by_uri: null,
        outcome_post_id: null,
        created_at: input.createdAt,
      })
      .execute();
    return ok({ id });
  });
}

export type SendBallotProblem =
  | "not-found"
  | "closed"
  | "not-a-member"
  | "not-a-delegate"
  | "already-voted"
  | "invalid-choice";

/** Is this member in the remote group (an accepted follow of its Group)? */
export async function isMemberOf(db: Kysely<Schema>, accountId: string, groupUri: string) {
  const row = await db
    .selectFrom("follows")
    .select("id")
    .where("follower_account_id", "=", accountId)
    .where("followee_uri", "=", groupUri)
    .where("status", "=", "accepted")
    .executeTakeFirst();
  return !!row;
}

/** Did our co-op's assembly name this member a delegate to that federation? */
export async function isOurDelegate(db: Kysely<Schema>, accountId: string, groupUri: string) {
  const row = await db
    .selectFrom("coop_delegates as d")
    .innerJoin("coop_affiliations as a", "a.id", "d.affiliation_id")
    .select("d.account_id")
    .where("a.group_uri", "=", groupUri)
    .where("a.status", "=", "active")
    .where("d.account_id", "=", accountId)
    .executeTakeFirst();
  return !!row;
}

/**
 * A member here votes in a decision hosted elsewhere: for themself, or, with
 * `forCoop`, as a delegate casting our co-op's vote in a federation. The choice
 * is checked against the decision's rule; the ballot is kept and the event
 * sends it to the host's Group. A second vote replaces the first when the
 * decision allows changes (an Update of the same Ballot), else it is refused.
 */
export async function sendBallot(
  ctx: DecisionsContext,
  by: LocalMember,
  input: { decisionId: string; choice: unknown; forCoop?: boolean },
): Promise<Result<{ id: string }, SendBallotProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const d = await trx
      .selectFrom("decisions")
      .selectAll()
      .where("id", "=", input.decisionId)
      .where("local", "=", 0)
      .executeTakeFirst();
    if (!d) return fail("not-found");
    const now = ctx.clock.now().toISOString();
    if (d.status !== "open" || d.closes_at <= now || d.opens_at > now) return fail("closed");
    const choice = validateChoice(JSON.parse(d.settings) as RuleSettings, input.choice);
    if (!choice.ok) return fail("invalid-choice");
    const onBehalfOf = input.forCoop ? coopUri(ctx.origin) : "";
    if (input.forCoop && !(await isOurDelegate(trx, by.id, d.group_uri)))
      return fail("not-a-delegate");
    if (!input.forCoop && !(await isMemberOf(trx, by.id, d.group_uri))) return fail("not-a-member");
    const kept = await trx
      .selectFrom("decision_sent_ballots")
      .select("id")
      .where("decision_id", "=", d.id)
      .where("account_id", "=", by.id)
      .where("on_behalf_of", "=", onBehalfOf)
      .executeTakeFirst();
    // A secret ballot is changed with a receipt the host gives the voter, which
    // does not travel back across servers: sent once, it stands.
    if (kept && (!d.vote_changes || d.ballot === "secret")) return fail("already-voted");
    const id = kept?.id ?? newId();
    if (kept)
      await trx
        .updateTable("decision_sent_ballots")
        .set({ choice: JSON.stringify(choice.value), updated_at: now })
        .where("id", "=", id)
        .execute();
    else
      await trx
        .insertInto("decision_sent_ballots")
        .values({
          id,
          decision_id: d.id,
          account_id: by.id,
          on_behalf_of: onBehalfOf,
          choice: JSON.stringify(choice.value),
          created_at: now,
          updated_at: now,
        })
        .execute();
    await recordEvent(trx, {
      type: "decisions.ballot.sent",
      payload: { ballotId: id, changed: !!kept },
    });
    return ok({ id });
  });
}

/** This node's co-op's size: its active members (a delegate's ballot reports it to the host). */
export async function activeMembers(db: Kysely<Schema>): Promise<number> {
  const row = await db
    .selectFrom("accounts")
    .select(db.fn.countAll<number>().as("n"))
    .where("status", "=", "active")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A ballot a member here cast elsewhere, with what the host needs to know of it. */
export async function findSentBallot(db: Kysely<Schema>, id: string) {
  const row = await db
    .selectFrom("decision_sent_ballots as b")
    .innerJoin("decisions as d", "d.id", "b.decision_id")
    .innerJoin("accounts as a", "a.id", "b.account_id")
    .select([
      "b.id",
      "b.on_behalf_of",
      "b.choice",
      "b.created_at",
      "b.updated_at",
      "a.username",
      "d.uri as decision_uri",
      "d.group_uri",
    ])
    .where("b.id", "=", id)
    .executeTakeFirst();
  return row ? { ...row, choice: JSON.parse(row.choice) as BallotChoice } : undefined;
}

/** Has this member voted here in the decision hosted elsewhere (for "after-vote" results)? */
export async function hasSentBallot(db: Kysely<Schema>, decisionId: string, accountId: string) {
  const row = await db
    .selectFrom("decision_sent_ballots")
    .select("id")
    .where("decision_id", "=", decisionId)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return !!row;
}
