/**
 * The mutual-credit ledger's own table beside the economy's (0040_credit): on a
 * member co-op's node, the transfers it asked a ledger hosted elsewhere to make.
 * The ledger's node keeps the journal (credit_transfers); this is the asking side's record.
 */
export interface CreditRequestsTable {
  id: string;
  /** The synco:CreditTransfer object the Offer carries (served at this URI). */
  uri: string;
  ledger_uri: string;
  group_uri: string;
  payer_uri: string;
  payee_uri: string;
  /** Hundredths of the ledger's unit. */
  amount: number;
  memo: string;
  agreement_uri: string | null;
  /** The Offer sent (the payer's signature) and, for a settlement, the agreement's answer. */
  payer_activity_uri: string | null;
  payee_activity_uri: string | null;
  initiated_by: string | null;
  created_at: string;
  /** The ledger's answer: null while waiting, "completed" (posted) or "refused". */
  status: "completed" | "refused" | null;
  /** Why the ledger refused it (a limit, not a member…), else null. */
  reason: string | null;
  /** The transfer in the ledger's journal, once answered. */
  transfer_uri: string | null;
  answered_at: string | null;
}

export type CreditSchema = {
  credit_requests: CreditRequestsTable;
};
