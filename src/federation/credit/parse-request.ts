/**
 * A member co-op's CreditTransfer request (serve-requests.ts's shape) from
 * another node → what postTransfer takes. Bounded; http(s) links only.
 */
import { z } from "zod";
import { MAX_AMOUNT, MAX_MEMO } from "../../economy/credit/context.ts";
import { text, url } from "../extension-schemas.ts";

const requestSchema = z.object({
  id: url,
  type: z.literal("CreditTransfer"),
  ledger: url,
  payer: url,
  payee: url,
  amount: z.number().int().min(1).max(MAX_AMOUNT),
  summary: text(MAX_MEMO).optional(),
  agreement: url.optional(),
  payeeActivity: url.optional(),
});

export interface TransferRequest {
  uri: string;
  ledger: string;
  payer: string;
  payee: string;
  amount: number;
  memo: string;
  agreement: string | null;
  payeeActivity: string | null;
}

export function parseTransferRequest(
  doc: unknown,
  fetchedFrom: string,
): { ok: true; value: TransferRequest } | { ok: false; reason: string } {
  const parsed = requestSchema.safeParse(doc);
  if (!parsed.success)
    return { ok: false, reason: parsed.error.issues[0]?.path.join(".") || "document" };
  const d = parsed.data;
  // The document speaks for itself only where it was fetched from, and only for its own node's co-op.
  if (d.id !== fetchedFrom) return { ok: false, reason: "id" };
  if (new URL(d.payer).origin !== new URL(d.id).origin) return { ok: false, reason: "payer" };
  return {
    ok: true,
    value: {
      uri: d.id,
      ledger: d.ledger,
      payer: d.payer,
      payee: d.payee,
      amount: d.amount,
      memo: d.summary ?? "",
      agreement: d.agreement ?? null,
      payeeActivity: d.payeeActivity ?? null,
    },
  };
}
