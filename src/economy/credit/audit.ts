/**
 * The audit of a ledger (pure: no database, no network): from a journal — every
 * completed transfer with its two entries, in journal order — and the accounts
 * as the ledger states them, recompute every balance and check what double
 * entry promises:
 * - the journal is numbered 1, 2, 3… with no gap or repeat;
 * - each transfer has one negative entry for the payer and one positive for the
 *   payee, of the transfer's amount, summing to zero;
 * - each entry's balance_after is the account's previous balance plus the entry;
 * - the recomputed balances equal the stated ones, sum to zero, and lie within
 *   the stated limits.
 * A member co-op runs it on the journal it fetched (federation/credit/audit.ts);
 * the ledger's own page runs it on its tables.
 */

export interface JournalEntry {
  /** The account's co-op (its actor URI). */
  coop: string;
  amount: number;
  balanceAfter: number;
}

export interface JournalTransfer {
  seq: number;
  uri: string;
  payer: string;
  payee: string;
  amount: number;
  entries: JournalEntry[];
}

export interface StatedAccount {
  coop: string;
  balance: number;
  debitLimit: number;
  creditLimit: number;
}

export interface AuditReport {
  ok: boolean;
  /** Recomputed from the journal alone. */
  balances: Map<string, number>;
  transfers: number;
  /** What does not add up, one line each (empty when ok). */
  problems: string[];
}

/** Problems reported at most (a broken journal could otherwise list one per transfer). */
const MAX_PROBLEMS = 50;

export function auditJournal(input: {
  accounts: readonly StatedAccount[];
  transfers: readonly JournalTransfer[];
}): AuditReport {
  const problems: string[] = [];
  const note = (p: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const balances = new Map<string, number>(input.accounts.map((a) => [a.coop, 0]));
  const ordered = [...input.transfers].sort((a, b) => a.seq - b.seq);
  ordered.forEach((t, i) => {
    if (t.seq !== i + 1) note(`transfer ${t.uri}: number ${t.seq}, expected ${i + 1}`);
    if (!Number.isSafeInteger(t.amount) || t.amount <= 0)
      note(`transfer ${t.uri}: amount ${t.amount} is not a positive whole number`);
    const debit = t.entries.filter((e) => e.amount < 0);
    const credit = t.entries.filter((e) => e.amount > 0);
    if (t.entries.length !== 2 || debit.length !== 1 || credit.length !== 1) {
      note(`transfer ${t.uri}: ${t.entries.length} entries, expected one debit and one credit`);
      return;
    }
    const [d, c] = [debit[0], credit[0]] as [JournalEntry, JournalEntry];
    if (d.coop !== t.payer || c.coop !== t.payee)
      note(`transfer ${t.uri}: entries do not name its payer and payee`);
    if (d.amount !== -t.amount || c.amount !== t.amount)
      note(
        `transfer ${t.uri}: entries of ${d.amount} and ${c.amount} for an amount of ${t.amount}`,
      );
    for (const e of [d, c]) {
      const after = (balances.get(e.coop) ?? 0) + e.amount;
      if (!balances.has(e.coop)) note(`transfer ${t.uri}: ${e.coop} has no account`);
      if (after !== e.balanceAfter)
        note(
          `transfer ${t.uri}: ${e.coop} should have ${after} after it, the journal says ${e.balanceAfter}`,
        );
      balances.set(e.coop, after);
    }
  });
  let sum = 0;
  for (const a of input.accounts) {
    const recomputed = balances.get(a.coop) ?? 0;
    sum += a.balance;
    if (recomputed !== a.balance)
      note(`account ${a.coop}: stated ${a.balance}, recomputed ${recomputed}`);
    if (recomputed < -a.debitLimit)
      note(`account ${a.coop}: ${recomputed} is below -${a.debitLimit}`);
    if (recomputed > a.creditLimit)
      note(`account ${a.coop}: ${recomputed} is above ${a.creditLimit}`);
  }
  if (sum !== 0) note(`the stated balances sum to ${sum}, not zero`);
  return { ok: problems.length === 0, balances, transfers: ordered.length, problems };
}
