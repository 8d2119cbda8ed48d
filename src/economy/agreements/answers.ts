/**
 * Answering an offered agreement (FEP-0837 "Accepting/Rejecting an agreement"),
 * and withdrawing one. Accepting takes the agreed quantity from the proposal's
 * available quantity in one conditional UPDATE (`… WHERE available >= q AND
 * status = 'open'`): on PostgreSQL the row lock makes a second, concurrent
 * accept wait and then re-check the condition against the committed row, so two
 * responders can never take the same last unit (agreements-race.test.ts).
 */
import { sql } from "kysely";
import { recordEvent } from "../../db/outbox.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { type Acting, type AgreementsContext, canActAs, commitmentUri } from "./context.ts";
import { tellResponder } from "./notices.ts";
import { MAX_NOTE } from "./rules.ts";

export type AnswerProblem =
  | "agreement-not-found"
  | "not-allowed"
  | "already-answered"
  | "proposal-closed"
  | "not-enough-available"
  | "note-too-long";

async function loadFor(ctx: AgreementsContext, agreementId: string) {
  return ctx.db
    .selectFrom("econ_agreements")
    .selectAll()
    .where("id", "=", agreementId)
    .executeTakeFirst();
}

/**
 * Takes `quantity` from the proposal's available quantity if that much is left
 * and the proposal is open; closes it when nothing is left. True if it did.
 */
export async function takeAvailable(
  trx: AgreementsContext["db"],
  proposalId: string,
  quantity: number,
  at: string,
): Promise<boolean> {
  const taken = await trx
    .updateTable("econ_proposals")
    .set({
      available: sql`available - ${quantity}`,
      status: sql`CASE WHEN available - ${quantity} = 0 THEN 'closed' ELSE status END`,
      updated_at: at,
    })
    .where("id", "=", proposalId)
    .where("status", "=", "open")
    .where("available", ">=", quantity)
    .executeTakeFirst();
  return taken.numUpdatedRows === 1n;
}

/** The proposal's agent (here) accepts an offered agreement. */
export async function acceptAgreement(
  ctx: AgreementsContext,
  acting: Acting,
  agreementId: string,
): Promise<Result<{ id: string }, AnswerProblem>> {
  if (!canActAs(ctx.origin, acting)) return fail("not-allowed");
  const at = ctx.clock.now().toISOString();
  return ctx.db
    .transaction()
    .execute(async (trx) => {
      const a = await trx
        .selectFrom("econ_agreements")
        .selectAll()
        .where("id", "=", agreementId)
        .executeTakeFirst();
      if (!a) return fail("agreement-not-found");
      if (a.local !== 1 || a.proposer_uri !== acting.agentUri) return fail("not-allowed");
      if (a.status !== "offered") return fail("already-answered");
      if (!(await takeAvailable(trx, a.proposal_id, a.quantity, at))) {
        const p = await trx
          .selectFrom("econ_proposals")
          .select("status")
          .where("id", "=", a.proposal_id)
          .executeTakeFirst();
        return fail(p?.status === "open" ? "not-enough-available" : "proposal-closed");
      }
      const answered = await trx
        .updateTable("econ_agreements")
        .set({ status: "accepted", account_id: acting.accountId, accepted_at: at, updated_at: at })
        .where("id", "=", a.id)
        .where("status", "=", "offered")
        .executeTakeFirst();
      // Two accepts of one agreement: the second finds it answered (and rolls back its take).
      if (answered.numUpdatedRows !== 1n) throw new AlreadyAnswered();
      await recordEvent(trx, {
        type: "economy.agreement.accepted",
        payload: { agreementId: a.id },
      });
      await recordEvent(trx, {
        type: "economy.proposal.updated",
        payload: { proposalId: a.proposal_id },
      });
      return ok({ id: a.id });
    })
    .catch((e) => {
      if (e instanceof AlreadyAnswered) return fail("already-answered" as const);
      throw e;
    });
}

class AlreadyAnswered extends Error {}

/** The proposal's agent (here) rejects an offered agreement, with a reason the responder sees. */
export async function rejectAgreement(
  ctx: AgreementsContext,
  acting: Acting,
  agreementId: string,
  reason: string,
): Promise<Result<{ id: string }, AnswerProblem>> {
  if (!canActAs(ctx.origin, acting)) return fail("not-allowed");
  if (reason.length > MAX_NOTE) return fail("note-too-long");
  const a = await loadFor(ctx, agreementId);
  if (!a) return fail("agreement-not-found");
  if (a.local !== 1 || a.proposer_uri !== acting.agentUri) return fail("not-allowed");
  return answer(ctx, a.id, "rejected", { accountId: acting.accountId, reason });
}

/** The responder (here) withdraws an offer that has not been answered. */
export async function cancelAgreement(
  ctx: AgreementsContext,
  acting: Acting,
  agreementId: string,
): Promise<Result<{ id: string }, AnswerProblem>> {
  if (!canActAs(ctx.origin, acting)) return fail("not-allowed");
  const a = await loadFor(ctx, agreementId);
  if (!a) return fail("agreement-not-found");
  if (a.responder_uri !== acting.agentUri || a.account_id === null) return fail("not-allowed");
  return answer(ctx, a.id, "cancelled", { accountId: acting.accountId, reason: "" });
}

async function answer(
  ctx: AgreementsContext,
  id: string,
  status: "rejected" | "cancelled",
  by: { accountId: string; reason: string },
): Promise<Result<{ id: string }, AnswerProblem>> {
  const at = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable("econ_agreements")
      .set({
        status,
        updated_at: at,
        // The reason of a rejection is the proposer's answer; it goes to the thread's note.
        ...(status === "rejected" ? { answer_note: by.reason } : {}),
      })
      .where("id", "=", id)
      .where("status", "=", "offered")
      .executeTakeFirst();
    if (done.numUpdatedRows !== 1n) return fail("already-answered");
    await recordEvent(trx, {
      type: status === "rejected" ? "economy.agreement.rejected" : "economy.agreement.cancelled",
      payload: { agreementId: id },
    });
    return ok({ id });
  });
}

/** What an Accept/Reject/Undo of an Offer from another node says. */
export interface ReceivedAnswer {
  offerActivityUri: string;
  answerActivityUri: string;
  actorUri: string;
  status: "accepted" | "rejected" | "cancelled";
  /** Accept's `result`: the finalized Agreement's id, if the proposer gave it another. */
  finalUri: string | null;
  reason: string;
}

/**
 * The other party's answer: on the responder's node, the proposer's Accept or
 * Reject; on the proposer's node, the responder's Undo (withdrawal). Only the
 * party whose answer it is may give it, and only to an offer not yet answered.
 */
export async function receiveAnswer(
  ctx: AgreementsContext,
  input: ReceivedAnswer,
): Promise<Result<{ id: string }, AnswerProblem>> {
  const at = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const a = await trx
      .selectFrom("econ_agreements")
      .selectAll()
      .where("offer_activity_uri", "=", input.offerActivityUri)
      .executeTakeFirst();
    if (!a) return fail("agreement-not-found");
    const party = input.status === "cancelled" ? a.responder_uri : a.proposer_uri;
    const ourSide = input.status === "cancelled" ? a.local === 1 : a.local === 0;
    if (party !== input.actorUri || !ourSide) return fail("not-allowed");
    if (a.status !== "offered") return fail("already-answered");
    await trx
      .updateTable("econ_agreements")
      .set({
        status: input.status,
        answer_activity_uri: input.answerActivityUri,
        accepted_at: input.status === "accepted" ? at : null,
        answer_note: input.reason.slice(0, MAX_NOTE),
        updated_at: at,
      })
      .where("id", "=", a.id)
      .execute();
    if (input.status !== "cancelled") await tellResponder(trx, ctx, a);
    // FEP-0837: the proposer may give the finalized agreement its own id; use it from now on.
    if (input.finalUri && input.finalUri !== a.uri) {
      const taken = await trx
        .selectFrom("econ_agreements")
        .select("id")
        .where("uri", "=", input.finalUri)
        .executeTakeFirst();
      if (!taken) {
        await trx
          .updateTable("econ_agreements")
          .set({ uri: input.finalUri })
          .where("id", "=", a.id)
          .execute();
        for (const reciprocal of [false, true])
          await trx
            .updateTable("econ_commitments")
            .set({ uri: commitmentUri(input.finalUri, reciprocal) })
            .where("agreement_id", "=", a.id)
            .where("reciprocal", "=", reciprocal ? 1 : 0)
            .execute();
      }
    }
    return ok({ id: a.id });
  });
}
