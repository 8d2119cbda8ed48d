/**
 * Synco's mutual-credit vocabulary (docs/credit-context.jsonld): the JSON-LD
 * context every ledger document carries inline, as budgeting's and decisions'
 * do; receivers never fetch it. Amounts and balances are integers in
 * hundredths of the ledger's `unit`. The same object is the documented file (a
 * test compares them).
 */
export { ACTIVITY_JSON, AS_CONTEXT } from "../decisions/vocab.ts";

import { AS_CONTEXT } from "../decisions/vocab.ts";

/** The namespace of our credit terms; an identifier, not a document. */
export const CREDIT_NS = "https://synco.coop/ns/credit#";

export const CREDIT_CONTEXT = {
  credit: CREDIT_NS,
  xsd: "http://www.w3.org/2001/XMLSchema#",
  CreditLedger: "credit:CreditLedger",
  CreditAccount: "credit:CreditAccount",
  CreditTransfer: "credit:CreditTransfer",
  CreditEntry: "credit:CreditEntry",
  unit: "credit:unit",
  accounts: { "@id": "credit:accounts", "@container": "@set" },
  owner: { "@id": "credit:owner", "@type": "@id" },
  balance: { "@id": "credit:balance", "@type": "xsd:integer" },
  debitLimit: { "@id": "credit:debitLimit", "@type": "xsd:nonNegativeInteger" },
  creditLimit: { "@id": "credit:creditLimit", "@type": "xsd:nonNegativeInteger" },
  lastSeq: { "@id": "credit:lastSeq", "@type": "xsd:nonNegativeInteger" },
  seq: { "@id": "credit:seq", "@type": "xsd:positiveInteger" },
  ledger: { "@id": "credit:ledger", "@type": "@id" },
  payer: { "@id": "credit:payer", "@type": "@id" },
  payee: { "@id": "credit:payee", "@type": "@id" },
  amount: { "@id": "credit:amount", "@type": "xsd:positiveInteger" },
  agreement: { "@id": "credit:agreement", "@type": "@id" },
  payerActivity: { "@id": "credit:payerActivity", "@type": "@id" },
  payeeActivity: { "@id": "credit:payeeActivity", "@type": "@id" },
  entries: { "@id": "credit:entries", "@container": "@list" },
  account: { "@id": "credit:account", "@type": "@id" },
  balanceAfter: { "@id": "credit:balanceAfter", "@type": "xsd:integer" },
} as const;

export const DOCUMENT_CONTEXT = [AS_CONTEXT, CREDIT_CONTEXT] as const;
