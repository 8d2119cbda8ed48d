/**
 * Property: whatever transfers are asked for, between whichever accounts with
 * whichever limits, the balances sum to zero, every balance stays within its
 * limits, a transfer is refused exactly when the rule (refusalOf) says so, and
 * the audit of the journal recomputes the stored balances.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fc from "fast-check";
import {
  balancesOf,
  type CreditFixture,
  coopAt,
  creditFixture,
} from "../../../test/support/credit.ts";
import { accountsOf, setLimits } from "./accounts.ts";
import { auditLedger } from "./journal.ts";
import { postTransfer, refusalOf } from "./transfers.ts";

const COOPS = 4;
let f: CreditFixture;
before(async () => {
  f = await creditFixture({ coops: COOPS, ourCoop: false, debit: 1_000, credit: 1_500 });
});
after(() => f.handle.close());

const transferArb = fc.record({
  payer: fc.integer({ min: 1, max: COOPS }),
  payee: fc.integer({ min: 1, max: COOPS }),
  amount: fc.integer({ min: 1, max: 1_200 }),
});

test("balances sum to zero and limits hold, whatever is asked", async () => {
  const accounts = await accountsOf(f.handle.db, f.ledger.id);
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 2_000 })), {
        minLength: COOPS,
        maxLength: COOPS,
      }),
      fc.array(transferArb, { minLength: 1, maxLength: 25 }),
      async (limits, transfers) => {
        // New limits where the current balances allow them (setLimits refuses the rest).
        for (const [i, [debitLimit, creditLimit]] of limits.entries()) {
          const account = accounts[i];
          if (account)
            await setLimits(f.ctx, f.admin, {
              ledgerId: f.ledger.id,
              accountId: account.id,
              limits: { debitLimit, creditLimit },
            });
        }
        for (const t of transfers) {
          const before = await balancesOf(f.handle.db, f.ledger.id);
          const payer = before.rows.find((r) => r.coop_uri === coopAt(t.payer));
          const payee = before.rows.find((r) => r.coop_uri === coopAt(t.payee));
          assert.ok(payer && payee);
          const posted = await postTransfer(f.ctx, {
            ledgerId: f.ledger.id,
            payerUri: coopAt(t.payer),
            payeeUri: coopAt(t.payee),
            amount: t.amount,
          });
          if (t.payer === t.payee) {
            assert.deepEqual(posted, { ok: false, reason: "same-account" });
            continue;
          }
          assert.ok(posted.ok);
          assert.equal(posted.value.reason, refusalOf(payer, payee, t.amount));
          const now = await balancesOf(f.handle.db, f.ledger.id);
          assert.equal(now.sum, 0);
          for (const r of now.rows) {
            assert.ok(
              r.balance >= -r.debit_limit,
              `${r.coop_uri} ${r.balance} < -${r.debit_limit}`,
            );
            assert.ok(
              r.balance <= r.credit_limit,
              `${r.coop_uri} ${r.balance} > ${r.credit_limit}`,
            );
          }
        }
      },
    ),
    { numRuns: 25, seed: 20_2026 },
  );
  const report = await auditLedger(f.handle.db, f.ledger);
  assert.deepEqual(report.problems, []);
  assert.ok(report.transfers > 20, `only ${report.transfers} transfers completed`);
});
