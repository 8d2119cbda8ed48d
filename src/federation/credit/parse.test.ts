import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseJournalPage, parseLedgerDocument } from "./parse.ts";
import { parseTransferRequest } from "./parse-request.ts";
import { CREDIT_CONTEXT } from "./vocab.ts";

const L = "https://a.example/groups/fed/ledger";
const ledger = {
  id: L,
  type: ["OrderedCollection", "CreditLedger"],
  attributedTo: "https://a.example/groups/fed",
  unit: "hours",
  lastSeq: 1,
  accounts: [
    { owner: "https://a.example/users/coop", balance: -5, debitLimit: 10, creditLimit: 10 },
    { owner: "https://b.example/users/coop", balance: 5, debitLimit: 10, creditLimit: 10 },
  ],
  first: `${L}?after=0`,
};
const transfer = {
  id: `${L}/transfers/1`,
  type: "CreditTransfer",
  seq: 1,
  payer: "https://a.example/users/coop",
  payee: "https://b.example/users/coop",
  amount: 5,
  entries: [
    { account: "https://a.example/users/coop", amount: -5, balanceAfter: -5 },
    { account: "https://b.example/users/coop", amount: 5, balanceAfter: 5 },
  ],
};

test("the documented context is the one documents carry", () => {
  const file = JSON.parse(readFileSync("docs/credit-context.jsonld", "utf8"));
  assert.deepEqual(file["@context"], JSON.parse(JSON.stringify(CREDIT_CONTEXT)));
});

test("a ledger document parses; hostile ones are refused whole", () => {
  const ok = parseLedgerDocument(ledger);
  assert.ok(ok.ok);
  assert.equal(ok.value.accounts.length, 2);
  for (const bad of [
    null,
    "x",
    { ...ledger, id: "javascript:alert(1)" },
    { ...ledger, type: "Collection" },
    { ...ledger, unit: "x".repeat(25) },
    { ...ledger, lastSeq: -1 },
    { ...ledger, accounts: [...ledger.accounts, ledger.accounts[0]] },
    {
      ...ledger,
      accounts: Array.from({ length: 10_001 }, (_, i) => ({
        ...ledger.accounts[0],
        owner: `https://x.example/${i}`,
      })),
    },
    { ...ledger, accounts: [{ ...ledger.accounts[0], balance: 1.5 }] },
    { ...ledger, accounts: [{ ...ledger.accounts[0], balance: 1e30 }] },
  ])
    assert.equal(parseLedgerDocument(bad).ok, false, JSON.stringify(bad)?.slice(0, 80));
  // A key named __proto__ in the JSON does not reach anything: the schema strips unknown keys.
  const proto = parseLedgerDocument(
    JSON.parse(`{"__proto__": {"polluted": 1}, ${JSON.stringify(ledger).slice(1)}`),
  );
  assert.ok(proto.ok);
  assert.equal(({} as { polluted?: number }).polluted, undefined);
});

test("a journal page parses; another ledger's or a malformed page is refused", () => {
  const page = { type: "OrderedCollectionPage", partOf: L, orderedItems: [transfer] };
  const ok = parseJournalPage(page, L);
  assert.ok(ok.ok);
  assert.equal(ok.value.next, null);
  assert.equal(parseJournalPage(page, "https://other.example/ledger").ok, false);
  assert.equal(
    parseJournalPage({ ...page, orderedItems: [{ ...transfer, amount: 0 }] }, L).ok,
    false,
  );
  assert.equal(
    parseJournalPage({ ...page, orderedItems: Array(1_001).fill(transfer) }, L).ok,
    false,
  );
  assert.equal(parseJournalPage({ ...page, next: "ftp://a.example/x" }, L).ok, false);
});

test("a transfer request speaks only for its own server's co-op, from its own id", () => {
  const id = "https://b.example/credit-requests/1";
  const doc = {
    id,
    type: "CreditTransfer",
    ledger: L,
    payer: "https://b.example/users/coop",
    payee: "https://a.example/users/coop",
    amount: 300,
    summary: "flour",
  };
  const ok = parseTransferRequest(doc, id);
  assert.ok(ok.ok);
  assert.equal(ok.value.memo, "flour");
  assert.deepEqual(parseTransferRequest(doc, "https://b.example/credit-requests/2"), {
    ok: false,
    reason: "id",
  });
  assert.deepEqual(parseTransferRequest({ ...doc, payer: "https://a.example/users/coop" }, id), {
    ok: false,
    reason: "payer",
  });
  for (const bad of [
    { ...doc, amount: -1 },
    { ...doc, amount: 2e12 },
    { ...doc, summary: "x".repeat(501) },
    { ...doc, payee: "data:x" },
  ])
    assert.equal(parseTransferRequest(bad, id).ok, false);
});
