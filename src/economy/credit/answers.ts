/**
 * The ledger's answer to a transfer this co-op asked for (requests.ts): the
 * ledger on another node posted it ("completed") or refused it, with its
 * reason. The outcome is kept on the request; a completed settlement of an
 * agreement is recorded as the payment given in return
 * (agreements/fulfilment.ts, recordLedgerPayment), in the same transaction —
 * an economic event told to the other party's node like any other, so both
 * parties count it. Only the first answer counts; a repeat changes nothing.
 */
import { ok, type Result } from "../../kernel/errors.ts";
import { recordLedgerPayment } from "../agreements/fulfilment.ts";
import type { CreditContext } from "./context.ts";

export interface LedgerAnswer {
  requestId: string;
  status: "completed" | "refused";
  reason: string | null;
  transferUri: string | null;
}

export async function receiveLedgerAnswer(
  ctx: CreditContext,
  answer: LedgerAnswer,
): Promise<Result<{ applied: boolean; paid: boolean }, never>> {
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("credit_requests")
      .set({
        status: answer.status,
        reason: answer.status === "refused" ? (answer.reason ?? "refused").slice(0, 200) : null,
        transfer_uri: answer.transferUri,
        answered_at: now,
      })
      .where("id", "=", answer.requestId)
      .where("status", "is", null)
      .executeTakeFirst();
    if (updated.numUpdatedRows !== 1n) return ok({ applied: false, paid: false });
    if (answer.status !== "completed") return ok({ applied: true, paid: false });
    const request = await trx
      .selectFrom("credit_requests")
      .select(["agreement_uri", "amount"])
      .where("id", "=", answer.requestId)
      .executeTakeFirstOrThrow();
    if (!request.agreement_uri) return ok({ applied: true, paid: false });
    const agreement = await trx
      .selectFrom("econ_agreements")
      .select("id")
      .where("uri", "=", request.agreement_uri)
      .executeTakeFirst();
    if (!agreement) return ok({ applied: true, paid: false });
    const paid = await recordLedgerPayment(trx, ctx.origin, {
      agreementId: agreement.id,
      amount: Number(request.amount),
      note: "",
      now,
    });
    return ok({ applied: true, paid: paid !== null });
  });
}
