/**
 * Two responders cannot take the same last unit. On PostgreSQL, two pool
 * connections: connection one takes the last units in an open transaction;
 * connection two's accept of another agreement then waits on the proposal's row
 * lock, and once one commits it re-reads the row and is refused. Then many
 * accepts at once from two connections: exactly as many succeed as there are
 * units, and `available` never goes below zero. On SQLite (one connection per
 * process, transactions serialised) the same accepts run interleaved on the
 * event loop with the same outcome.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { freshDatabaseUrl, onPostgres } from "../../../test/support/db.ts";
import { publishProposal } from "../../../test/support/economy.ts";
import { type Db, openDatabase } from "../../db/database.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { fixedClock } from "../../kernel/clock.ts";
import { coopUri, memberUri } from "../../kernel/uris.ts";
import { acceptAgreement, takeAvailable } from "./answers.ts";
import type { Acting, AgreementsContext } from "./context.ts";
import { offerAgreement } from "./offers.ts";

const ORIGIN = "https://one.example";
const clock = fixedClock(new Date("2026-03-02T09:00:00Z"));
let one: Db;
let two: Db;
before(async () => {
  const url = await freshDatabaseUrl();
  one = await openDatabase(url, { poolSize: 2 });
  await migrateToLatest(one.db);
  two = onPostgres ? await openDatabase(url, { poolSize: 2 }) : one;
});
after(async () => {
  await one.close();
  if (two !== one) await two.close();
});

const coop: Acting = { accountId: "a1", username: "ada", role: "admin", agentUri: coopUri(ORIGIN) };
const responder = (n: number): Acting => ({
  accountId: `m${n}`,
  username: `m${n}`,
  role: "member",
  agentUri: memberUri(ORIGIN, `m${n}`),
});

async function offers(ctx: AgreementsContext, proposalId: string, n: number, quantity: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await offerAgreement(ctx, responder(i), { proposalId, quantity, note: "" });
    assert.ok(r.ok);
    ids.push(r.value.id);
  }
  return ids;
}

test("an accept waiting on the row lock is refused once the last unit is taken", async (t) => {
  if (!onPostgres) return t.skip("needs two connections (PostgreSQL)");
  const ctx1: AgreementsContext = { db: one.db, origin: ORIGIN, clock };
  const ctx2: AgreementsContext = { db: two.db, origin: ORIGIN, clock };
  const p = await publishProposal(one.db, ORIGIN, { available: 1_000, minimum: 0 });
  const [first, second] = await offers(ctx1, p.id, 2, 1_000);
  assert.ok(first && second);
  let secondSettled = false;
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  let locked!: () => void;
  const hasLock = new Promise<void>((r) => {
    locked = r;
  });
  // Connection one: the capability's own conditional UPDATE, in a transaction held open.
  const tx1 = one.db.transaction().execute(async (trx) => {
    assert.equal(await takeAvailable(trx, p.id, 1_000, clock.now().toISOString()), true);
    locked();
    await held;
  });
  await hasLock;
  // Connection two: a whole accept, which must wait for connection one.
  const accept2 = acceptAgreement(ctx2, coop, second).finally(() => {
    secondSettled = true;
  });
  // Wait (polling, with a deadline) until PostgreSQL shows connection two blocked on a lock.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(one.db);
    if (rows[0]?.n === 1) break;
    assert.ok(Date.now() < deadline, "connection two never waited on the lock");
    await new Promise((r) => setImmediate(r));
  }
  assert.equal(secondSettled, false);
  release();
  await tx1;
  assert.deepEqual(await accept2, { ok: false, reason: "proposal-closed" });
  const row = await one.db
    .selectFrom("econ_proposals")
    .select(["available", "status"])
    .where("id", "=", p.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(row, { available: 0, status: "closed" });
});

test("many accepts at once from two connections take exactly what is available", async () => {
  const ctx1: AgreementsContext = { db: one.db, origin: ORIGIN, clock };
  const ctx2: AgreementsContext = { db: two.db, origin: ORIGIN, clock };
  for (let round = 0; round < 3; round++) {
    // 7 units, 12 offers of 1 unit each: 7 accepted, 5 refused.
    const p = await publishProposal(one.db, ORIGIN, { available: 7_000, minimum: 0 });
    const ids = await offers(ctx1, p.id, 12, 1_000);
    const results = await Promise.all(
      ids.map((id, i) => acceptAgreement(i % 2 ? ctx2 : ctx1, coop, id)),
    );
    assert.equal(results.filter((r) => r.ok).length, 7, `round ${round}`);
    const refused = results.filter((r) => !r.ok).map((r) => (r.ok ? "" : r.reason));
    assert.ok(refused.every((r) => r === "proposal-closed" || r === "not-enough-available"));
    const row = await one.db
      .selectFrom("econ_proposals")
      .select("available")
      .where("id", "=", p.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.available, 0);
    const accepted = await one.db
      .selectFrom("econ_agreements")
      .select("id")
      .where("proposal_id", "=", p.id)
      .where("status", "=", "accepted")
      .execute();
    assert.equal(accepted.length, 7);
  }
});
