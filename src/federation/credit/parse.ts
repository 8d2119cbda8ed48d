/**
 * A ledger's documents from another node (objects.ts's shapes) → the pure
 * audit's input (economy/credit/audit.ts). Everything is bounded: links are
 * http(s), numbers whole and safe, lists capped; whatever fails is refused
 * whole, with the field at fault.
 */
import { z } from "zod";
import type { JournalTransfer, StatedAccount } from "../../economy/credit/audit.ts";
import { MAX_AMOUNT } from "../../economy/credit/context.ts";
import { text, url } from "../extension-schemas.ts";

/** Accounts a ledger document may state (a federation of more co-ops is refused, not cut). */
export const MAX_ACCOUNTS = 10_000;
/** Transfers one page may hold. */
export const MAX_PAGE_ITEMS = 1_000;

const whole = z
  .number()
  .int()
  .min(-MAX_AMOUNT * 1000)
  .max(MAX_AMOUNT * 1000);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const typed = (name: string) =>
  z.union([
    z.literal(name),
    z
      .array(z.string().max(100))
      .max(5)
      .refine((l) => l.includes(name)),
  ]);

const ledgerSchema = z.object({
  id: url,
  type: typed("OrderedCollection"),
  attributedTo: url,
  unit: text(24),
  lastSeq: count,
  accounts: z
    .array(
      z.object({
        owner: url,
        balance: whole,
        debitLimit: count,
        creditLimit: count,
      }),
    )
    .max(MAX_ACCOUNTS),
  first: url,
});

const transferSchema = z.object({
  id: url,
  type: z.literal("CreditTransfer"),
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  payer: url,
  payee: url,
  amount: z.number().int().min(1).max(MAX_AMOUNT),
  entries: z.array(z.object({ account: url, amount: whole, balanceAfter: whole })).max(4),
});

const pageSchema = z.object({
  type: z.literal("OrderedCollectionPage"),
  partOf: url,
  orderedItems: z.array(transferSchema).max(MAX_PAGE_ITEMS),
  next: url.optional(),
});

export interface ParsedLedger {
  uri: string;
  groupUri: string;
  unit: string;
  lastSeq: number;
  accounts: StatedAccount[];
  first: string;
}

const problem = (error: z.ZodError) => error.issues[0]?.path.join(".") || "document";

export function parseLedgerDocument(
  doc: unknown,
): { ok: true; value: ParsedLedger } | { ok: false; reason: string } {
  const parsed = ledgerSchema.safeParse(doc);
  if (!parsed.success) return { ok: false, reason: problem(parsed.error) };
  const d = parsed.data;
  if (new Set(d.accounts.map((a) => a.owner)).size !== d.accounts.length)
    return { ok: false, reason: "accounts: one owner twice" };
  return {
    ok: true,
    value: {
      uri: d.id,
      groupUri: d.attributedTo,
      unit: d.unit,
      lastSeq: d.lastSeq,
      accounts: d.accounts.map((a) => ({
        coop: a.owner,
        balance: a.balance,
        debitLimit: a.debitLimit,
        creditLimit: a.creditLimit,
      })),
      first: d.first,
    },
  };
}

export function parseJournalPage(
  doc: unknown,
  ledgerUri: string,
):
  | { ok: true; value: { transfers: JournalTransfer[]; next: string | null } }
  | { ok: false; reason: string } {
  const parsed = pageSchema.safeParse(doc);
  if (!parsed.success) return { ok: false, reason: problem(parsed.error) };
  if (parsed.data.partOf !== ledgerUri) return { ok: false, reason: "partOf" };
  return {
    ok: true,
    value: {
      transfers: parsed.data.orderedItems.map((t) => ({
        seq: t.seq,
        uri: t.id,
        payer: t.payer,
        payee: t.payee,
        amount: t.amount,
        entries: t.entries.map((e) => ({
          coop: e.account,
          amount: e.amount,
          balanceAfter: e.balanceAfter,
        })),
      })),
      next: parsed.data.next ?? null,
    },
  };
}
