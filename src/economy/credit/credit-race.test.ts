/**
 * Two transfers at once, on two database connections, that together would
 * break the payer's debit limit: exactly one completes, the other is refused
 * with the reason, every round. Each takes both account rows' locks (FOR UPDATE
 * on PostgreSQL, in id order) before it checks the limit; on SQLite the one
 * writer serialises them (BEGIN IMMEDIATE). Rounds in opposite directions
 * between the same accounts show the fixed lock order: no deadlock.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { freshDatabaseUrl, onPostgres } from "../../../test/support/db.ts";
import { createAccount } from "../../accounts/accounts.ts";
import { type Db, openDatabase } from "../../db/database.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { createGroup } from "../../groups/groups.ts";
import { insertMember } from "../../groups/memberships.ts";
import { fixedClock } from "../../kernel/clock.ts";
import type { CreditContext } from "./context.ts";
import { auditLedger } from "./journal.ts";
import { createLedger, findLedger } from "./ledgers.ts";
import { postTransfer } from "./transfers.ts";

const ORIGIN = "https://coop.example";
const A = "https://a.example/users/coop";
const B = "https://b.example/users/coop";
const C = "https://c.example/users/coop";
const clock = fixedClock(new Date("2026-03-01T12:00:00.000Z"));
let one: Db;
let two: Db;
let ledgerId: string;
before(async () => {
  const url = await freshDatabaseUrl();
  one = await openDatabase(url, { poolSize: 2 });
  await migrateToLatest(one.db);
  // SQLite's calls block this thread, so a second connection here would only
  // wait on the first (the node runs one connection per process): there the
  // rounds share one, and the test shows the rule; PostgreSQL races for real.
  two = onPostgres ? await openDatabase(url, { poolSize: 2 }) : one;
  const ctx: CreditContext = { db: one.db, origin: ORIGIN, domain: "coop.example", clock };
  const made = await createAccount(
    one.db,
    { username: "ada", email: "ada@example.test", password: "long enough", role: "admin" },
    { passwordCost: 8 },
  );
  assert.ok(made.ok);
  const admin = { id: made.value.id, username: "ada" };
  const group = await createGroup(ctx, admin, {
    name: "fed",
    kind: "federation",
    displayName: "Fed",
    visibility: "public",
    moderated: false,
  });
  assert.ok(group.ok);
  for (const coop of [A, B, C])
    await insertMember(one.db, clock.now().toISOString(), {
      group_id: group.value.id,
      actor_uri: coop,
      account_id: null,
      remote_id: null,
      actor_kind: "coop",
      role: "member",
      status: "active",
      follow_activity_uri: null,
    });
  const ledger = await createLedger(ctx, admin, {
    groupId: group.value.id,
    settings: { unit: "hours", defaultDebitLimit: 100, defaultCreditLimit: 1_000_000 },
  });
  assert.ok(ledger.ok);
  ledgerId = ledger.value.id;
});
after(async () => {
  await one.close();
  if (two !== one) await two.close();
});

test("two transfers that together break the payer's limit: exactly one completes", async () => {
  const cx1: CreditContext = { db: one.db, origin: ORIGIN, domain: "coop.example", clock };
  const cx2: CreditContext = { ...cx1, db: two.db };
  const rounds = onPostgres ? 12 : 4;
  // The payer starts each round at 0 with a debit limit of 100; each asks for 60.
  let payer = A;
  for (let round = 0; round < rounds; round++) {
    const others = [A, B, C].filter((c) => c !== payer);
    const [x, y] = await Promise.all([
      postTransfer(cx1, { ledgerId, payerUri: payer, payeeUri: others[0] as string, amount: 60 }),
      postTransfer(cx2, { ledgerId, payerUri: payer, payeeUri: others[1] as string, amount: 60 }),
    ]);
    assert.ok(x.ok && y.ok, JSON.stringify([x, y]));
    const statuses = [x.value.status, y.value.status].sort();
    assert.deepEqual(statuses, ["completed", "refused"], `round ${round}`);
    assert.equal(
      [x, y].find((r) => r.ok && r.value.status === "refused")?.ok && "refused",
      "refused",
    );
    const refused = [x.value, y.value].find((t) => t.status === "refused");
    assert.equal(refused?.reason, "payer-over-debit-limit");
    // Back to zero through the other payee, in the opposite direction on both connections at once.
    const paid = [x.value, y.value].find((t) => t.status === "completed");
    const payee = paid === x.value ? others[0] : others[1];
    const [back, noise] = await Promise.all([
      postTransfer(cx2, { ledgerId, payerUri: payee as string, payeeUri: payer, amount: 60 }),
      postTransfer(cx1, { ledgerId, payerUri: payer, payeeUri: payee as string, amount: 1 }),
    ]);
    assert.ok(back.ok && back.value.status === "completed");
    assert.ok(noise.ok);
    if (noise.value.status === "completed")
      await postTransfer(cx1, { ledgerId, payerUri: payee as string, payeeUri: payer, amount: 1 });
    payer = others[round % 2] as string;
  }
  const ledger = await findLedger(one.db, ledgerId);
  assert.ok(ledger);
  const report = await auditLedger(one.db, ledger);
  assert.deepEqual(report.problems, []);
  for (const [, balance] of report.balances) assert.equal(balance, 0);
});
