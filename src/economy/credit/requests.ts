/**
 * Transfers this co-op asks a ledger hosted elsewhere to make: a co-op admin
 * here pays another member co-op of a federation this co-op belongs to (an
 * active affiliation), or a credit agreement settles (settle.ts). The request
 * is recorded with its outbox event in one transaction; federation/credit
 * sends it as the co-op's Offer to the federation's Group, and the ledger's
 * node posts it (limits, membership) — the journal there is the outcome.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import { recordEvent } from "../../db/outbox.ts";
import type { Schema } from "../../db/schema.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { coopUri } from "../../kernel/uris.ts";
import { type CreditContext, MAX_AMOUNT, MAX_MEMO, type Member } from "./context.ts";
import { ledgerUriOf } from "./ledgers.ts";

/** A transfer this co-op asked a ledger elsewhere for: the synco:CreditTransfer its Offer carries. */
export const creditRequestUri = (origin: string, id: string) => `${origin}/credit-requests/${id}`;

export interface NewRequest {
  groupUri: string;
  payeeUri: string;
  amount: number;
  memo: string;
  agreementUri: string | null;
  payerActivityUri: string | null;
  payeeActivityUri: string | null;
  initiatedBy: string | null;
}

/** Records a request and the event that sends it (inside the caller's transaction). */
export async function insertRequest(trx: Kysely<Schema>, ctx: CreditContext, r: NewRequest) {
  const id = newId();
  await trx
    .insertInto("credit_requests")
    .values({
      id,
      uri: creditRequestUri(ctx.origin, id),
      ledger_uri: ledgerUriOf(r.groupUri),
      group_uri: r.groupUri,
      payer_uri: coopUri(ctx.origin),
      payee_uri: r.payeeUri,
      amount: r.amount,
      memo: r.memo,
      agreement_uri: r.agreementUri,
      payer_activity_uri: r.payerActivityUri,
      payee_activity_uri: r.payeeActivityUri,
      initiated_by: r.initiatedBy,
      created_at: ctx.clock.now().toISOString(),
    })
    .execute();
  await recordEvent(trx, { type: "credit.transfer.requested", payload: { requestId: id } });
  return id;
}

const url = z.url({ protocol: /^https?$/ }).max(2048);
export const requestSchema = z.strictObject({
  groupUri: url,
  payeeUri: url,
  amount: z.number().int().min(1).max(MAX_AMOUNT),
  memo: z.string().trim().max(MAX_MEMO).default(""),
});

export type RequestProblem = "invalid" | "forbidden" | "not-affiliated" | "same-account";

/** A co-op admin here asks a federation's ledger elsewhere to pay another member co-op. */
export async function requestTransfer(
  ctx: CreditContext,
  member: Member,
  raw: unknown,
): Promise<Result<{ id: string }, RequestProblem>> {
  const parsed = requestSchema.safeParse(raw);
  if (!parsed.success) return fail("invalid");
  const r = parsed.data;
  if (r.payeeUri === coopUri(ctx.origin)) return fail("same-account");
  return ctx.db.transaction().execute(async (trx) => {
    const admin = await trx
      .selectFrom("accounts")
      .select(["role", "status"])
      .where("id", "=", member.id)
      .executeTakeFirst();
    if (admin?.status !== "active" || admin.role !== "admin") return fail("forbidden" as const);
    const affiliated = await trx
      .selectFrom("coop_affiliations")
      .select("id")
      .where("group_uri", "=", r.groupUri)
      .where("status", "=", "active")
      .executeTakeFirst();
    if (!affiliated) return fail("not-affiliated" as const);
    const id = await insertRequest(trx, ctx, {
      groupUri: r.groupUri,
      payeeUri: r.payeeUri,
      amount: r.amount,
      memo: r.memo,
      agreementUri: null,
      payerActivityUri: null,
      payeeActivityUri: null,
      initiatedBy: member.id,
    });
    return ok({ id });
  });
}
