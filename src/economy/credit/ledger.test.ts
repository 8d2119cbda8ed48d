import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  balancesOf,
  type CreditFixture,
  coopAt,
  creditFixture,
  OUR_COOP,
} from "../../../test/support/credit.ts";
import { accountOf, accountsOf, setLimits } from "./accounts.ts";
import { auditJournal } from "./audit.ts";
import { creditContributor } from "./data.ts";
import { auditLedger, journalCsv, journalPage, refusedTransfers } from "./journal.ts";
import { createLedger, ledgerUriOf, updateLedger } from "./ledgers.ts";
import { payFromOurCoop, postTransfer } from "./transfers.ts";

let f: CreditFixture;
before(async () => {
  f = await creditFixture({ coops: 3, debit: 10_000, credit: 20_000 });
});
after(() => f.handle.close());

const count = async (table: "credit_transfers" | "credit_entries" | "outbox_events") =>
  Number(
    (
      await f.handle.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

test("the ledger opens with an account per active member co-op, at the defaults", async () => {
  assert.equal(f.ledger.uri, ledgerUriOf(`${f.ctx.origin}/groups/fed`));
  const accounts = await accountsOf(f.handle.db, f.ledger.id);
  assert.deepEqual(
    accounts.map((a) => a.coop_uri).sort(),
    [coopAt(1), coopAt(2), coopAt(3), OUR_COOP].sort(),
  );
  for (const a of accounts) {
    assert.equal(a.balance, 0);
    assert.equal(a.debit_limit, 10_000);
    assert.equal(a.credit_limit, 20_000);
  }
});

test("only a group admin opens a ledger, once, on a federation, with a sane unit", async () => {
  const bob = await f.member("bob");
  const other = await f.group(f.admin, { name: "wg", kind: "working_group" });
  const settings = { unit: "ECO", defaultDebitLimit: 1, defaultCreditLimit: 1 };
  assert.deepEqual(await createLedger(f.ctx, bob, { groupId: f.federation.id, settings }), {
    ok: false,
    reason: "forbidden",
  });
  assert.deepEqual(await createLedger(f.ctx, f.admin, { groupId: f.federation.id, settings }), {
    ok: false,
    reason: "exists",
  });
  assert.deepEqual(await createLedger(f.ctx, f.admin, { groupId: other.id, settings }), {
    ok: false,
    reason: "not-a-federation",
  });
  for (const bad of [
    { ...settings, unit: "" },
    { ...settings, unit: "<b>" },
    { ...settings, defaultDebitLimit: -1 },
    { ...settings, defaultCreditLimit: 1.5 },
    { ...settings, extra: 1 },
  ])
    assert.deepEqual(await updateLedger(f.ctx, f.admin, { ledgerId: f.ledger.id, settings: bad }), {
      ok: false,
      reason: "invalid",
    });
});

test("a transfer writes two entries, moves both balances and numbers the journal", async () => {
  const posted = await postTransfer(f.ctx, {
    ledgerId: f.ledger.id,
    payerUri: coopAt(1),
    payeeUri: coopAt(2),
    amount: 2_500,
    memo: "bread",
  });
  assert.ok(posted.ok);
  assert.equal(posted.value.status, "completed");
  assert.equal(posted.value.seq, 1);
  const b = await balancesOf(f.handle.db, f.ledger.id);
  assert.equal(b.of(coopAt(1)), -2_500);
  assert.equal(b.of(coopAt(2)), 2_500);
  assert.equal(b.sum, 0);
  const [line] = await journalPage(f.handle.db, f.ledger.id, { limit: 10 });
  assert.ok(line);
  assert.deepEqual(line.entries, [
    { coop: coopAt(1), amount: -2_500, balanceAfter: -2_500 },
    { coop: coopAt(2), amount: 2_500, balanceAfter: 2_500 },
  ]);
  assert.equal((await f.events("credit.transfer.completed")).length, 1);
});

test("a transfer past a limit is kept as refused with the reason and changes nothing else", async () => {
  const before = await balancesOf(f.handle.db, f.ledger.id);
  const entries = await count("credit_entries");
  // coop1 is at -2,500 with a debit limit of 10,000.
  const over = await postTransfer(f.ctx, {
    ledgerId: f.ledger.id,
    payerUri: coopAt(1),
    payeeUri: coopAt(3),
    amount: 7_501,
  });
  assert.ok(over.ok);
  assert.equal(over.value.status, "refused");
  assert.equal(over.value.reason, "payer-over-debit-limit");
  // coop2 is at 2,500 with a credit limit of 20,000.
  const full = await postTransfer(f.ctx, {
    ledgerId: f.ledger.id,
    payerUri: coopAt(3),
    payeeUri: coopAt(2),
    amount: 17_501,
  });
  assert.ok(full.ok);
  assert.equal(full.value.reason, "payer-over-debit-limit");
  await setLimits(f.ctx, f.admin, {
    ledgerId: f.ledger.id,
    accountId: (await accountOf(f.handle.db, f.ledger.id, coopAt(3)))?.id ?? "",
    limits: { debitLimit: 100_000, creditLimit: 20_000 },
  });
  const payee = await postTransfer(f.ctx, {
    ledgerId: f.ledger.id,
    payerUri: coopAt(3),
    payeeUri: coopAt(2),
    amount: 17_501,
  });
  assert.ok(payee.ok);
  assert.equal(payee.value.reason, "payee-over-credit-limit");
  const balances = async () =>
    (await balancesOf(f.handle.db, f.ledger.id)).rows
      .map((r) => `${r.coop_uri} ${r.balance}`)
      .sort();
  assert.deepEqual(await balances(), before.rows.map((r) => `${r.coop_uri} ${r.balance}`).sort());
  assert.equal(await count("credit_entries"), entries);
  const refused = await refusedTransfers(f.handle.db, f.ledger.id);
  assert.equal(refused.length, 3);
  assert.ok(refused.every((r) => r.refused_reason));
});

test("bad transfers are refused before anything is written", async () => {
  const transfers = await count("credit_transfers");
  const events = await count("outbox_events");
  const base = { ledgerId: f.ledger.id, payerUri: coopAt(1), payeeUri: coopAt(2), amount: 1 };
  const cases: [unknown, string][] = [
    [{ ...base, amount: 0 }, "invalid"],
    [{ ...base, amount: -5 }, "invalid"],
    [{ ...base, amount: 1.5 }, "invalid"],
    [{ ...base, amount: 1e15 }, "invalid"],
    [{ ...base, memo: "x".repeat(501) }, "invalid"],
    [{ ...base, payerUri: "javascript:alert(1)" }, "invalid"],
    [{ ...base, __proto__: { amount: 5 }, extra: 1 }, "invalid"],
    [{ ...base, payeeUri: coopAt(1) }, "same-account"],
    [{ ...base, payeeUri: coopAt(9) }, "not-a-member"],
    [{ ...base, ledgerId: "nope" }, "not-found"],
  ];
  for (const [input, reason] of cases)
    assert.deepEqual(await postTransfer(f.ctx, input as never), { ok: false, reason }, reason);
  assert.equal(await count("credit_transfers"), transfers);
  assert.equal(await count("outbox_events"), events);
});

test("a co-op admin pays from this co-op's account; a member may not", async () => {
  const carol = await f.member("carol");
  const payee = await accountOf(f.handle.db, f.ledger.id, coopAt(3));
  assert.ok(payee);
  const input = { ledgerId: f.ledger.id, payeeAccountId: payee.id, amount: 300, memo: "hours" };
  assert.deepEqual(await payFromOurCoop(f.ctx, carol, input), { ok: false, reason: "forbidden" });
  const paid = await payFromOurCoop(f.ctx, f.admin, input);
  assert.ok(paid.ok && paid.value.status === "completed");
  assert.equal((await balancesOf(f.handle.db, f.ledger.id)).of(OUR_COOP), -300);
  const exported = (await creditContributor.export(f.handle.db, f.admin.id)) as {
    transfers: { amount: number }[];
  };
  assert.deepEqual(
    exported.transfers.map((t) => t.amount),
    [300],
  );
  await f.handle.db.transaction().execute((trx) => creditContributor.erase(trx, f.admin.id, ""));
  const after = (await creditContributor.export(f.handle.db, f.admin.id)) as {
    transfers: unknown[];
  };
  assert.equal(after.transfers.length, 0);
  // The transfer stays, attributed to the co-op: the ledger still balances.
  assert.equal((await balancesOf(f.handle.db, f.ledger.id)).of(OUR_COOP), -300);
  assert.ok((await auditLedger(f.handle.db, f.ledger)).ok);
});

test("limits cannot be set below a balance, and only by a group admin", async () => {
  const account = await accountOf(f.handle.db, f.ledger.id, coopAt(1));
  assert.ok(account && account.balance === -2_500);
  const ask = (limits: unknown, who = f.admin) =>
    setLimits(f.ctx, who, { ledgerId: f.ledger.id, accountId: account.id, limits });
  assert.deepEqual(await ask({ debitLimit: 2_000, creditLimit: 5 }), {
    ok: false,
    reason: "limit-below-balance",
  });
  assert.deepEqual(await ask({ debitLimit: "x", creditLimit: 5 }), {
    ok: false,
    reason: "invalid",
  });
  assert.deepEqual(await ask({ debitLimit: 3_000, creditLimit: 5 }, await f.member("dan")), {
    ok: false,
    reason: "forbidden",
  });
  assert.deepEqual(await ask({ debitLimit: 2_500, creditLimit: 5 }), { ok: true, value: null });
});

test("the audit recomputes every balance and finds a tampered journal", async () => {
  const report = await auditLedger(f.handle.db, f.ledger);
  assert.deepEqual(report.problems, []);
  assert.equal(report.transfers, 2);
  const accounts = (await accountsOf(f.handle.db, f.ledger.id)).map((a) => ({
    coop: a.coop_uri,
    balance: a.balance,
    debitLimit: a.debit_limit,
    creditLimit: a.credit_limit,
  }));
  const transfers = await journalPage(f.handle.db, f.ledger.id, { limit: 10 });
  const tampered = structuredClone(transfers);
  const entry = tampered[0]?.entries[1];
  assert.ok(entry);
  entry.amount += 1;
  assert.ok(!auditJournal({ accounts, transfers: tampered }).ok);
  assert.ok(!auditJournal({ accounts, transfers: transfers.slice(1) }).ok, "a missing transfer");
  const lying = accounts.map((a, i) => (i === 0 ? { ...a, balance: a.balance + 1 } : a));
  assert.ok(!auditJournal({ accounts: lying, transfers }).ok, "a stated balance off by one");
});

test("the journal exports as CSV with formulas defused", async () => {
  await postTransfer(f.ctx, {
    ledgerId: f.ledger.id,
    payerUri: coopAt(2),
    payeeUri: coopAt(3),
    amount: 5,
    memo: '=HYPERLINK("x")',
  });
  let csv = "";
  for await (const line of journalCsv(f.handle.db, f.ledger.id)) csv += line;
  const lines = csv.trim().split("\n");
  assert.equal(lines.length, 4);
  assert.match(lines[0] ?? "", /^seq,completed_at,payer,payee,amount/);
  assert.match(lines[3] ?? "", /"'=HYPERLINK\(""x""\)"/);
});
