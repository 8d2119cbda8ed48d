/**
 * A ledger's journal as ActivityStreams (docs/economy.md, "Mutual credit"):
 * the ledger is an OrderedCollection (also typed CreditLedger) at
 * `ledgerUriOf(groupUri)`, attributed to the Group, stating its unit, its last
 * journal number and every account (owner co-op, balance, limits) as of that
 * number; its pages (`?after=N`) hold the completed transfers in journal order,
 * each with its two entries. Pure converters: no database.
 */
import type { CreditAccount } from "../../economy/credit/accounts.ts";
import type { JournalLine } from "../../economy/credit/journal.ts";
import type { Ledger } from "../../economy/credit/ledgers.ts";
import { DOCUMENT_CONTEXT } from "./vocab.ts";

export const pageUri = (ledgerUri: string, afterSeq: number) => `${ledgerUri}?after=${afterSeq}`;

export function ledgerDocument(ledger: Ledger, groupUri: string, accounts: CreditAccount[]) {
  return {
    "@context": DOCUMENT_CONTEXT,
    id: ledger.uri,
    type: ["OrderedCollection", "CreditLedger"],
    attributedTo: groupUri,
    unit: ledger.unit,
    totalItems: ledger.last_seq,
    lastSeq: ledger.last_seq,
    accounts: accounts.map((a) => ({
      type: "CreditAccount",
      owner: a.coop_uri,
      balance: a.balance,
      debitLimit: a.debit_limit,
      creditLimit: a.credit_limit,
    })),
    first: pageUri(ledger.uri, 0),
  };
}

export function transferObject(ledgerUri: string, l: JournalLine) {
  return {
    id: l.uri,
    type: "CreditTransfer",
    ledger: ledgerUri,
    seq: l.seq,
    payer: l.payer,
    payee: l.payee,
    amount: l.amount,
    summary: l.memo,
    ...(l.agreementUri ? { agreement: l.agreementUri } : {}),
    payerActivity: l.payerActivityUri,
    ...(l.payeeActivityUri ? { payeeActivity: l.payeeActivityUri } : {}),
    published: l.completedAt,
    entries: l.entries.map((e) => ({
      type: "CreditEntry",
      account: e.coop,
      amount: e.amount,
      balanceAfter: e.balanceAfter,
    })),
  };
}

export function journalPageDocument(
  ledgerUri: string,
  afterSeq: number,
  lines: JournalLine[],
  more: boolean,
) {
  const last = lines.at(-1);
  return {
    "@context": DOCUMENT_CONTEXT,
    id: pageUri(ledgerUri, afterSeq),
    type: "OrderedCollectionPage",
    partOf: ledgerUri,
    orderedItems: lines.map((l) => transferObject(ledgerUri, l)),
    ...(more && last ? { next: pageUri(ledgerUri, last.seq) } : {}),
  };
}
