/**
 * A member co-op audits a ledger hosted elsewhere: it fetches the ledger and
 * every journal page (signed by this node, so the ledger's node knows which
 * member asks), parses them (parse.ts) and recomputes every balance with the
 * pure audit (economy/credit/audit.ts). Only transfers up to the ledger's
 * stated last number count: the balances are stated as of that number.
 */
import {
  type AuditReport,
  auditJournal,
  type JournalTransfer,
} from "../../economy/credit/audit.ts";
import type { FederationGateway } from "../index.ts";
import { signedLoader } from "../lookup.ts";
import { type ParsedLedger, parseJournalPage, parseLedgerDocument } from "./parse.ts";

/** Pages fetched at most (200 transfers each on a Synco ledger): a bound on a hostile server. */
export const MAX_PAGES = 2_000;

export type RemoteAudit =
  | {
      ok: true;
      ledger: ParsedLedger;
      report: AuditReport;
      /** The journal read, in order (the page's chart draws the last of them). */
      transfers: JournalTransfer[];
    }
  | { ok: false; reason: string };

export async function auditRemoteLedger(
  gateway: FederationGateway,
  ledgerUri: string,
): Promise<RemoteAudit> {
  const { federation } = await gateway.load();
  const ctx = federation.createContext(new URL(gateway.deps.config.origin), undefined);
  const loader = await signedLoader(ctx);
  const fetchJson = async (uri: string) => (await loader(uri).catch(() => null))?.document ?? null;
  const parsed = parseLedgerDocument(await fetchJson(ledgerUri));
  if (!parsed.ok) return { ok: false, reason: `the ledger: ${parsed.reason}` };
  const ledger = parsed.value;
  if (ledger.uri !== ledgerUri) return { ok: false, reason: "the ledger names another id" };
  if (new URL(ledger.first).origin !== new URL(ledgerUri).origin)
    return { ok: false, reason: "the journal is on another server" };
  const transfers: JournalTransfer[] = [];
  let next: string | null = ledger.first;
  for (let pages = 0; next && pages < MAX_PAGES; pages++) {
    if (new URL(next).origin !== new URL(ledgerUri).origin)
      return { ok: false, reason: "a journal page is on another server" };
    const page = parseJournalPage(await fetchJson(next), ledgerUri);
    if (!page.ok) return { ok: false, reason: `a journal page: ${page.reason}` };
    for (const t of page.value.transfers) if (t.seq <= ledger.lastSeq) transfers.push(t);
    if (page.value.transfers.some((t) => t.seq >= ledger.lastSeq)) break;
    next = page.value.next;
  }
  return {
    ok: true,
    ledger,
    report: auditJournal({ accounts: ledger.accounts, transfers }),
    transfers,
  };
}
