/**
 * Reading a ledger's journal: completed transfers in journal order with their
 * two entries (what the federation serves and member co-ops audit), the
 * refused ones with their reasons, the balances over time (the page's chart),
 * and the export as CSV or JSON. Reads run in a fixed number of queries per page.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { accountsOf } from "./accounts.ts";
import { type AuditReport, auditJournal, type JournalTransfer } from "./audit.ts";
import type { Ledger } from "./ledgers.ts";

/** A journal line as pages, the API and the federation show it. */
export interface JournalLine extends JournalTransfer {
  id: string;
  memo: string;
  agreementUri: string | null;
  payerActivityUri: string;
  payeeActivityUri: string | null;
  completedAt: string;
}

export const MAX_JOURNAL_PAGE = 200;

/** Completed transfers after `afterSeq`, in order, at most `limit` (two queries). */
export async function journalPage(
  db: Kysely<Schema>,
  ledgerId: string,
  page: { afterSeq?: number; beforeSeq?: number; limit: number; newestFirst?: boolean },
): Promise<JournalLine[]> {
  let q = db
    .selectFrom("credit_transfers as t")
    .innerJoin("credit_accounts as payer", "payer.id", "t.payer_account_id")
    .innerJoin("credit_accounts as payee", "payee.id", "t.payee_account_id")
    .select([
      "t.id",
      "t.uri",
      "t.seq",
      "t.amount",
      "t.memo",
      "t.agreement_uri",
      "t.payer_activity_uri",
      "t.payee_activity_uri",
      "t.completed_at",
      "payer.coop_uri as payer",
      "payee.coop_uri as payee",
    ])
    .where("t.ledger_id", "=", ledgerId)
    .where("t.status", "=", "completed");
  if (page.afterSeq !== undefined) q = q.where("t.seq", ">", page.afterSeq);
  if (page.beforeSeq !== undefined) q = q.where("t.seq", "<", page.beforeSeq);
  const rows = await q
    .orderBy("t.seq", page.newestFirst ? "desc" : "asc")
    .limit(Math.min(Math.max(page.limit, 1), MAX_JOURNAL_PAGE))
    .execute();
  if (rows.length === 0) return [];
  const entries = await db
    .selectFrom("credit_entries as e")
    .innerJoin("credit_accounts as a", "a.id", "e.account_id")
    .select(["e.transfer_id", "e.amount", "e.balance_after", "a.coop_uri"])
    .where(
      "e.transfer_id",
      "in",
      rows.map((r) => r.id),
    )
    .execute();
  return rows.map((r) => ({
    id: r.id,
    uri: r.uri,
    seq: Number(r.seq),
    payer: r.payer,
    payee: r.payee,
    amount: r.amount,
    memo: r.memo,
    agreementUri: r.agreement_uri,
    payerActivityUri: r.payer_activity_uri,
    payeeActivityUri: r.payee_activity_uri,
    completedAt: r.completed_at ?? "",
    entries: entries
      .filter((e) => e.transfer_id === r.id)
      .sort((a, b) => a.amount - b.amount)
      .map((e) => ({ coop: e.coop_uri, amount: e.amount, balanceAfter: e.balance_after })),
  }));
}

/** Every completed transfer, page by page (the audit, the export). */
export async function* wholeJournal(db: Kysely<Schema>, ledgerId: string) {
  let afterSeq = 0;
  for (;;) {
    const page = await journalPage(db, ledgerId, { afterSeq, limit: MAX_JOURNAL_PAGE });
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < MAX_JOURNAL_PAGE) return;
    afterSeq = last.seq;
  }
}

/** The latest refused transfers, with their reasons. */
export function refusedTransfers(db: Kysely<Schema>, ledgerId: string, limit = 20) {
  return db
    .selectFrom("credit_transfers as t")
    .innerJoin("credit_accounts as payer", "payer.id", "t.payer_account_id")
    .innerJoin("credit_accounts as payee", "payee.id", "t.payee_account_id")
    .select([
      "t.id",
      "t.amount",
      "t.memo",
      "t.refused_reason",
      "t.created_at",
      "payer.coop_uri as payer",
      "payee.coop_uri as payee",
    ])
    .where("t.ledger_id", "=", ledgerId)
    .where("t.status", "=", "refused")
    .orderBy("t.id", "desc")
    .limit(limit)
    .execute();
}

/** The ledger's own audit of its tables: the same check a member co-op runs on what it fetched. */
export async function auditLedger(db: Kysely<Schema>, ledger: Ledger): Promise<AuditReport> {
  const accounts = await accountsOf(db, ledger.id);
  const transfers: JournalTransfer[] = [];
  for await (const t of wholeJournal(db, ledger.id)) transfers.push(t);
  return auditJournal({
    accounts: accounts.map((a) => ({
      coop: a.coop_uri,
      balance: a.balance,
      debitLimit: a.debit_limit,
      creditLimit: a.credit_limit,
    })),
    transfers,
  });
}

/** One point of an account's balance over time: after transfer `seq`. */
export interface BalancePoint {
  seq: number;
  at: string;
  coop: string;
  balance: number;
}

/** The balances after each of the last `limit` transfers (the chart's data; two queries). */
export async function balanceHistory(
  db: Kysely<Schema>,
  ledgerId: string,
  limit = MAX_JOURNAL_PAGE,
): Promise<BalancePoint[]> {
  const lines = await journalPage(db, ledgerId, { limit, newestFirst: true });
  return lines.reverse().flatMap((l) =>
    l.entries.map((e) => ({
      seq: l.seq,
      at: l.completedAt,
      coop: e.coop,
      balance: e.balanceAfter,
    })),
  );
}

const CSV_HEADER = [
  "seq",
  "completed_at",
  "payer",
  "payee",
  "amount",
  "payer_balance_after",
  "payee_balance_after",
  "memo",
  "agreement",
  "transfer",
];

/** A CSV field: quoted, and a leading = + - @ defused so a spreadsheet does not run it. */
const csvField = (v: string | number | null) => {
  const s = v === null ? "" : String(v);
  const safe = typeof v === "string" && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replaceAll('"', '""')}"`;
};

/** The journal as CSV lines (header first), for the export. */
export async function* journalCsv(db: Kysely<Schema>, ledgerId: string) {
  yield `${CSV_HEADER.join(",")}\n`;
  for await (const t of wholeJournal(db, ledgerId)) {
    const payer = t.entries.find((e) => e.amount < 0);
    const payee = t.entries.find((e) => e.amount > 0);
    yield `${[
      t.seq,
      t.completedAt,
      t.payer,
      t.payee,
      t.amount,
      payer?.balanceAfter ?? null,
      payee?.balanceAfter ?? null,
      t.memo,
      t.agreementUri,
      t.uri,
    ]
      .map(csvField)
      .join(",")}\n`;
  }
}
