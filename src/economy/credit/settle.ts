/**
 * Settling an agreement paid in mutual credit (issue 20): when agreements
 * record `economy.agreement.fulfilled` and the agreement's reciprocity is
 * "credit", its total price moves from the co-op that received the resource
 * (the payer) to the co-op that provided it (the payee), in the ledger of the
 * proposal's federation group. People pay and are paid through their node's
 * co-op. The two signatures are the agreement's own activities: the
 * responder's Offer(Agreement) and the proposer's Accept, each stored on the
 * side of whoever sent it.
 *
 * Where: if the group's ledger is hosted here, the transfer is posted here and
 * the agreement's transfer_id set; otherwise the payer's node (and only it, so
 * the ledger is asked once) records a request that federation/credit sends to
 * the ledger's node as an Offer. A payment posted here fulfils the agreement's
 * reciprocal commitment in the same transaction (agreements/fulfilment.ts), an
 * event the other party's node receives, so both count what was given in return. Settling twice is harmless: one settlement per
 * agreement (transfers.ts, and a unique index).
 */

import { findGroup } from "../../groups/groups.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { coopUri, groupPrefix } from "../../kernel/uris.ts";
import { recordLedgerPayment } from "../agreements/fulfilment.ts";
import { type CreditContext, coopOfAgent } from "./context.ts";
import { ledgerOfGroup } from "./ledgers.ts";
import { insertRequest } from "./requests.ts";
import { postTransfer, type RefusalReason, type TransferProblem } from "./transfers.ts";

export type SettleOutcome =
  | { kind: "settled"; transferId: string }
  | { kind: "refused"; transferId: string; reason: RefusalReason }
  | { kind: "requested"; requestId: string }
  | { kind: "skipped"; why: string };

export type SettleProblem = "not-found" | TransferProblem;

/** The parties of an agreement as the ledger sees them. */
export function settlementParties(a: {
  purpose: "offer" | "request";
  proposer_uri: string;
  responder_uri: string;
  offer_activity_uri: string;
  answer_activity_uri: string | null;
}) {
  // An offer's agent provides and its responder receives; a request the other way round.
  const provider = a.purpose === "offer" ? a.proposer_uri : a.responder_uri;
  const receiver = a.purpose === "offer" ? a.responder_uri : a.proposer_uri;
  const responderPays = receiver === a.responder_uri;
  return {
    payer: coopOfAgent(receiver),
    payee: coopOfAgent(provider),
    payerActivityUri: responderPays ? a.offer_activity_uri : a.answer_activity_uri,
    payeeActivityUri: responderPays ? a.answer_activity_uri : a.offer_activity_uri,
  };
}

export async function settleAgreement(
  ctx: CreditContext,
  input: { agreementId: string },
): Promise<Result<SettleOutcome, SettleProblem>> {
  const a = await ctx.db
    .selectFrom("econ_agreements as a")
    .innerJoin("econ_proposals as p", "p.id", "a.proposal_id")
    .select([
      "a.id",
      "a.uri",
      "a.status",
      "a.reciprocity",
      "a.total_price",
      "a.transfer_id",
      "a.proposer_uri",
      "a.responder_uri",
      "a.offer_activity_uri",
      "a.answer_activity_uri",
      "p.purpose",
      "p.group_uri",
      "p.name",
    ])
    .where("a.id", "=", input.agreementId)
    .executeTakeFirst();
  if (!a) return fail("not-found");
  const skip = (why: string) => ok<SettleOutcome>({ kind: "skipped", why });
  if (a.reciprocity !== "credit") return skip("not paid in credit");
  if (a.status !== "fulfilled") return skip("not fulfilled");
  if (a.transfer_id) return skip("already settled");
  if (a.total_price <= 0) return skip("nothing to pay");
  if (!a.group_uri) return skip("not published to a federation group");
  const parties = settlementParties(a);
  if (!parties.payer || !parties.payee) return skip("a party has no co-op");
  if (parties.payer === parties.payee) return skip("both parties are of one co-op");
  const memo = a.name.slice(0, 200);

  if (a.group_uri.startsWith(groupPrefix(ctx.origin))) {
    const group = await findGroup(ctx.db, a.group_uri.slice(groupPrefix(ctx.origin).length));
    const ledger = group && (await ledgerOfGroup(ctx.db, group.id));
    if (!ledger) return skip("the group runs no ledger");
    const posted = await postTransfer(ctx, {
      ledgerId: ledger.id,
      payerUri: parties.payer,
      payeeUri: parties.payee,
      amount: a.total_price,
      memo,
      agreementUri: a.uri,
      payerActivityUri: parties.payerActivityUri,
      payeeActivityUri: parties.payeeActivityUri,
    });
    if (!posted.ok) return posted;
    const t = posted.value;
    if (t.status === "refused" && t.reason)
      return ok({ kind: "refused", transferId: t.id, reason: t.reason });
    const now = ctx.clock.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("econ_agreements")
        .set({ transfer_id: t.id, updated_at: now })
        .where("id", "=", a.id)
        .execute();
      await recordLedgerPayment(trx, ctx.origin, {
        agreementId: a.id,
        amount: a.total_price,
        note: "",
        now,
      });
    });
    return ok({ kind: "settled", transferId: t.id });
  }

  // The ledger is elsewhere: the payer's node asks it, once.
  if (parties.payer !== coopUri(ctx.origin)) return skip("the payer's node asks the ledger");
  return ctx.db.transaction().execute(async (trx) => {
    const asked = await trx
      .selectFrom("credit_requests")
      .select("id")
      .where("agreement_uri", "=", a.uri)
      .executeTakeFirst();
    if (asked) return ok<SettleOutcome>({ kind: "requested", requestId: asked.id });
    const id = await insertRequest(trx, ctx, {
      groupUri: a.group_uri as string,
      payeeUri: parties.payee as string,
      amount: a.total_price,
      memo,
      agreementUri: a.uri,
      payerActivityUri: parties.payerActivityUri,
      payeeActivityUri: parties.payeeActivityUri,
      initiatedBy: null,
    });
    return ok<SettleOutcome>({ kind: "requested", requestId: id });
  });
}
