/**
 * Mutual-credit bench (issue 20): 10,000 transfers between 100 member co-ops'
 * accounts of one ledger, posted concurrently by 50 workers through
 * `postTransfer` (each locks its two accounts in id order, checks the limits,
 * takes the ledger's next number, writes two entries), with random payers,
 * payees and amounts so that some are refused at a limit. Afterwards every
 * balance sum must be zero, every balance within its limits, every transfer
 * accounted for (completed or refused) and the audit of the whole journal
 * clean. Prints transfers/s and the p50/p95 latency of one transfer (pool
 * waits included). PostgreSQL (a scratch database on the server of
 * BENCH_DATABASE_URL or TEST_DATABASE_URL, else the local default; pool of 10)
 * and SQLite (one connection). Run: npm run bench -- economy-credit
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createAccount } from "../src/accounts/accounts.ts";
import { type Db, openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { accountsOf } from "../src/economy/credit/accounts.ts";
import type { CreditContext } from "../src/economy/credit/context.ts";
import { auditLedger } from "../src/economy/credit/journal.ts";
import { createLedger, findLedger } from "../src/economy/credit/ledgers.ts";
import { postTransfer } from "../src/economy/credit/transfers.ts";
import { createGroup } from "../src/groups/groups.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { newId } from "../src/kernel/ids.ts";

const TRANSFERS = Number(process.env.BENCH_CREDIT_TRANSFERS ?? 10_000);
const ACCOUNTS = 100;
const WORKERS = 50;
const LIMIT = 5_000;
const origin = "https://bench.example";
const coop = (i: number) => `https://coop${i}.example/users/coop`;

/** A small seeded generator, so every run asks for the same transfers. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function setUp(handle: Db) {
  const db = handle.db;
  await migrateToLatest(db);
  const ctx: CreditContext = { db, origin, domain: "bench.example", clock: systemClock };
  const made = await createAccount(
    db,
    { username: "ada", email: "ada@bench.example", password: "long enough", role: "admin" },
    { passwordCost: 8 },
  );
  if (!made.ok) throw new Error(made.reason);
  const admin = { id: made.value.id, username: "ada" };
  const group = await createGroup(ctx, admin, {
    name: "fed",
    kind: "federation",
    displayName: "Fed",
    visibility: "public",
    moderated: false,
  });
  if (!group.ok) throw new Error(group.reason);
  const at = new Date().toISOString();
  await db
    .insertInto("group_members")
    .values(
      Array.from({ length: ACCOUNTS }, (_, i) => ({
        id: newId(),
        group_id: group.value.id,
        actor_uri: coop(i),
        account_id: null,
        remote_id: null,
        actor_kind: "coop" as const,
        role: "member" as const,
        status: "active" as const,
        follow_activity_uri: null,
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
  const ledger = await createLedger(ctx, admin, {
    groupId: group.value.id,
    settings: { unit: "hours", defaultDebitLimit: LIMIT, defaultCreditLimit: LIMIT },
  });
  if (!ledger.ok) throw new Error(ledger.reason);
  return { ctx, ledgerId: ledger.value.id };
}

async function measure(label: string, handle: Db) {
  const { ctx, ledgerId } = await setUp(handle);
  const random = mulberry32(2026);
  const asks = Array.from({ length: TRANSFERS }, () => {
    const payer = Math.floor(random() * ACCOUNTS);
    const payee = (payer + 1 + Math.floor(random() * (ACCOUNTS - 1))) % ACCOUNTS;
    return { payer: coop(payer), payee: coop(payee), amount: 1 + Math.floor(random() * 2_000) };
  });
  const latencies: number[] = [];
  let completed = 0;
  let refused = 0;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (next < asks.length) {
        const ask = asks[next++];
        if (!ask) break;
        const t0 = performance.now();
        const r = await postTransfer(ctx, {
          ledgerId,
          payerUri: ask.payer,
          payeeUri: ask.payee,
          amount: ask.amount,
        });
        latencies.push(performance.now() - t0);
        if (!r.ok) throw new Error(r.reason);
        if (r.value.status === "completed") completed++;
        else refused++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  const accounts = await accountsOf(handle.db, ledgerId);
  const sum = accounts.reduce((s, a) => s + a.balance, 0);
  const outside = accounts.filter(
    (a) => a.balance < -a.debit_limit || a.balance > a.credit_limit,
  ).length;
  const ledger = await findLedger(handle.db, ledgerId);
  if (!ledger) throw new Error("no ledger");
  const auditStart = performance.now();
  const audit = await auditLedger(handle.db, ledger);
  const auditSeconds = (performance.now() - auditStart) / 1000;
  const invariants =
    sum === 0 &&
    outside === 0 &&
    completed + refused === TRANSFERS &&
    ledger.last_seq === completed &&
    audit.ok;
  console.log(
    `${label.padEnd(10)} ${TRANSFERS.toLocaleString("en-US")} transfers, ${ACCOUNTS} accounts, ${WORKERS} workers: ${(TRANSFERS / seconds).toFixed(0)} transfers/s; latency p50 ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms; ${completed} completed, ${refused} refused at a limit; balance sum ${sum}, ${outside} outside their limits; audit of ${audit.transfers} transfers in ${auditSeconds.toFixed(2)} s: ${audit.ok ? "clean" : audit.problems.slice(0, 3).join("; ")} — ${invariants ? "ok" : "BROKEN"} (load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")})`,
  );
  if (!invariants) process.exitCode = 1;
}

async function adminQuery(url: string, statement: string) {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

if (!process.argv.includes("--pg-only")) {
  const dir = mkdtempSync(join(tmpdir(), "synco-bench-credit-"));
  const handle = await openDatabase(`sqlite:${join(dir, "synco.db")}`);
  try {
    await measure("SQLite", handle);
  } finally {
    await handle.close();
  }
}
if (process.argv.includes("--sqlite-only")) process.exit(process.exitCode ?? 0);

const server =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";
const scratch = `synco_bench_credit_${randomBytes(4).toString("hex")}`;
try {
  await adminQuery(server, `CREATE DATABASE ${scratch}`);
} catch (error) {
  console.log(`PostgreSQL skipped: ${(error as Error).message}`);
  process.exit(process.exitCode ?? 0);
}
try {
  const u = new URL(server);
  u.pathname = `/${scratch}`;
  const handle = await openDatabase(u.toString(), { poolSize: 10 });
  try {
    await measure("PostgreSQL", handle);
  } finally {
    await handle.close();
  }
} catch (error) {
  console.log("PostgreSQL failed:", error);
  process.exitCode = 1;
} finally {
  await adminQuery(server, `DROP DATABASE ${scratch} WITH (FORCE)`);
}
