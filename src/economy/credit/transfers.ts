/**
 * Transfers in a ledger, by double entry: a completed transfer writes one
 * negative entry for the payer and one positive for the payee, moves both
 * balances and takes the ledger's next journal number, all in one transaction,
 * so the balances of a ledger always sum to zero. A transfer that would take
 * the payer below -debit_limit or the payee above credit_limit is refused with
 * the reason: it is kept (status "refused", no number, no entries) and nothing
 * else changes.
 *
 * Concurrency: both account rows are locked (accounts.ts, in id order) before
 * the limits are checked; the ledger row is updated last (its next number), so
 * every transaction holding the ledger's lock already holds all its accounts'
 * locks and no cycle of waits can form.
 *
 * Each transfer carries the two sides' signatures (docs/economy.md, "Mutual
 * credit"): the payer's activity (its Offer, or the agreement's activity it
 * sent) and the payee's (its Accept, or the agreement's answer).
 */
import type { Selectable } from "kysely";
import { z } from "zod";
import { recordEvent } from "../../db/outbox.ts";
import type { CreditTransfersTable } from "../../db/schema/economy.ts";
import { findGroupById } from "../../groups/groups.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { coopUri } from "../../kernel/uris.ts";
import { activeMemberCoops, lockAccounts, openAccounts } from "./accounts.ts";
import { type CreditContext, MAX_AMOUNT, MAX_MEMO, type Member } from "./context.ts";
import { findLedger, transferUriOf } from "./ledgers.ts";

export type CreditTransfer = Selectable<CreditTransfersTable>;

/** Why a transfer was refused (kept in refused_reason). */
export type RefusalReason = "payer-over-debit-limit" | "payee-over-credit-limit";

export type TransferProblem =
  | "invalid"
  | "not-found"
  | "no-account"
  | "not-a-member"
  | "same-account"
  | "already-settled";

export interface PostedTransfer {
  id: string;
  uri: string;
  status: "completed" | "refused";
  seq: number | null;
  reason: RefusalReason | null;
}

const amountSchema = z.number().int().min(1).max(MAX_AMOUNT);
const memoSchema = z.string().trim().max(MAX_MEMO);
const uriSchema = z.url({ protocol: /^https?$/ }).max(2048);

export const transferInputSchema = z.strictObject({
  ledgerId: z.string().min(1).max(64),
  payerUri: uriSchema,
  payeeUri: uriSchema,
  amount: amountSchema,
  memo: memoSchema.default(""),
  agreementUri: uriSchema.nullable().default(null),
  /** The payer's signed activity (Offer, or its side of the agreement). */
  payerActivityUri: uriSchema.nullable().default(null),
  /** The payee's consent (Accept, or its side of the agreement). */
  payeeActivityUri: uriSchema.nullable().default(null),
  initiatedBy: z.string().max(64).nullable().default(null),
});
export type TransferInput = z.input<typeof transferInputSchema>;

/** What a refusal is (pure, so the property test checks the same rule). */
export function refusalOf(
  payer: { balance: number; debit_limit: number },
  payee: { balance: number; credit_limit: number },
  amount: number,
): RefusalReason | null {
  if (payer.balance - amount < -payer.debit_limit) return "payer-over-debit-limit";
  if (payee.balance + amount > payee.credit_limit) return "payee-over-credit-limit";
  return null;
}

/**
 * Posts a transfer between two member co-ops' accounts of a ledger hosted here.
 * The caller has checked who asks (a co-op admin here, a signed activity, an
 * agreement); this checks the ledger, membership and limits.
 */
export async function postTransfer(
  ctx: CreditContext,
  raw: TransferInput,
): Promise<Result<PostedTransfer, TransferProblem>> {
  const parsed = transferInputSchema.safeParse(raw);
  if (!parsed.success) return fail("invalid");
  const input = parsed.data;
  if (input.payerUri === input.payeeUri) return fail("same-account");
  const at = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const ledger = await findLedger(trx, input.ledgerId);
    if (!ledger) return fail("not-found" as const);
    if ((await activeMemberCoops(trx, ledger.group_id, [input.payerUri, input.payeeUri])) !== 2)
      return fail("not-a-member" as const);
    const coops = [input.payerUri, input.payeeUri];
    let locked = await lockAccounts(trx, ledger.id, coops);
    if (locked.length !== 2) {
      // A co-op that joined after the ledger opened: its account opens on first use.
      await openAccounts(trx, ledger, at);
      locked = await lockAccounts(trx, ledger.id, coops);
    }
    const payer = locked.find((a) => a.coop_uri === input.payerUri);
    const payee = locked.find((a) => a.coop_uri === input.payeeUri);
    if (!payer || !payee) return fail("no-account" as const);
    if (input.agreementUri && (await settlementOf(trx, input.agreementUri)))
      return fail("already-settled" as const);
    const id = newId();
    const uri = transferUriOf(ledger.uri, id);
    const row = {
      id,
      uri,
      ledger_id: ledger.id,
      seq: null,
      payer_account_id: payer.id,
      payee_account_id: payee.id,
      amount: input.amount,
      memo: input.memo,
      agreement_uri: input.agreementUri,
      payer_activity_uri: input.payerActivityUri ?? `${uri}#payer`,
      payee_activity_uri: input.payeeActivityUri,
      initiated_by: input.initiatedBy,
      created_at: at,
    };
    const reason = refusalOf(payer, payee, input.amount);
    if (reason) {
      await trx
        .insertInto("credit_transfers")
        .values({ ...row, status: "refused", refused_reason: reason, completed_at: null })
        .execute();
      return ok({ id, uri, status: "refused" as const, seq: null, reason });
    }
    const payerAfter = payer.balance - input.amount;
    const payeeAfter = payee.balance + input.amount;
    await trx
      .insertInto("credit_transfers")
      .values({ ...row, status: "completed", refused_reason: null, completed_at: at })
      .execute();
    await trx
      .insertInto("credit_entries")
      .values([
        {
          id: newId(),
          transfer_id: id,
          account_id: payer.id,
          amount: -input.amount,
          balance_after: payerAfter,
          created_at: at,
        },
        {
          id: newId(),
          transfer_id: id,
          account_id: payee.id,
          amount: input.amount,
          balance_after: payeeAfter,
          created_at: at,
        },
      ])
      .execute();
    await trx
      .updateTable("credit_accounts")
      .set({ balance: payerAfter, updated_at: at })
      .where("id", "=", payer.id)
      .execute();
    await trx
      .updateTable("credit_accounts")
      .set({ balance: payeeAfter, updated_at: at })
      .where("id", "=", payee.id)
      .execute();
    await recordEvent(trx, { type: "credit.transfer.completed", payload: { transferId: id } });
    // The journal number last: every transfer of the ledger queues on this row's
    // lock until its commit, so it is held for two statements only, and numbers
    // commit in order (what the served journal and the audit rely on).
    const { last_seq: seq } = await trx
      .updateTable("credit_ledgers")
      .set((eb) => ({ last_seq: eb("last_seq", "+", 1), updated_at: at }))
      .where("id", "=", ledger.id)
      .returning("last_seq")
      .executeTakeFirstOrThrow();
    await trx.updateTable("credit_transfers").set({ seq }).where("id", "=", id).execute();
    return ok({ id, uri, status: "completed" as const, seq, reason: null });
  });
}

/** The transfer (not refused) that settled an agreement, if any. */
export function settlementOf(db: CreditContext["db"], agreementUri: string) {
  return db
    .selectFrom("credit_transfers")
    .selectAll()
    .where("agreement_uri", "=", agreementUri)
    .where("status", "!=", "refused")
    .executeTakeFirst();
}

export type PayProblem = TransferProblem | "forbidden";

/**
 * A co-op admin here (a node admin) pays another member co-op from this co-op's
 * account in a ledger hosted here. The node's own co-op signs by its admin's
 * act; the payee consents by membership (docs/economy.md, "Mutual credit").
 */
export async function payFromOurCoop(
  ctx: CreditContext,
  member: Member,
  input: { ledgerId: string; payeeAccountId: string; amount: unknown; memo: unknown },
): Promise<Result<PostedTransfer, PayProblem>> {
  const admin = await ctx.db
    .selectFrom("accounts")
    .select(["role", "status"])
    .where("id", "=", member.id)
    .executeTakeFirst();
  if (admin?.status !== "active" || admin.role !== "admin") return fail("forbidden");
  const ledger = await findLedger(ctx.db, input.ledgerId);
  const group = ledger && (await findGroupById(ctx.db, ledger.group_id));
  if (!ledger || !group) return fail("not-found");
  const payee = await ctx.db
    .selectFrom("credit_accounts")
    .select("coop_uri")
    .where("id", "=", input.payeeAccountId)
    .where("ledger_id", "=", ledger.id)
    .executeTakeFirst();
  if (!payee) return fail("no-account");
  if (typeof input.amount !== "number" || typeof input.memo !== "string") return fail("invalid");
  return postTransfer(ctx, {
    ledgerId: ledger.id,
    payerUri: coopUri(ctx.origin),
    payeeUri: payee.coop_uri,
    amount: input.amount,
    memo: input.memo,
    initiatedBy: member.id,
  });
}
