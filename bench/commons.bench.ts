/**
 * Data commons bench (issue 22): a grouped mean over 1,000,000 contributed rows,
 * end to end through `queryDataset` — the ledger row locked, the rows read from
 * the database, the engine's bounded mean (10 public groups, 200,000 privacy
 * units of 5 rows each), the noisy clipped-units count, the release signed and
 * written, the ledger charged, all in one transaction. Target < 2 s, on SQLite
 * and on PostgreSQL (a scratch database on the server of TEST_DATABASE_URL, or
 * the default local one; skipped if none answers). Run: npm run bench -- commons
 *
 * On a loaded machine the wall time says more about the load than the code, so
 * each run also prints the CPU time it took: this process's (on SQLite, all of
 * it) and, on a PostgreSQL server on this machine, that of the database's
 * server processes (read from /proc). BENCH_COMMONS_UNITS=ids makes the unit
 * keys 36-character ids, as members' account ids are, instead of "u123".
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { createAccount } from "../src/accounts/accounts.ts";
import { declareDataset } from "../src/commons/datasets.ts";
import { queryDataset } from "../src/commons/queries.ts";
import { signerFromKeys } from "../src/commons/signing.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { assembly } from "../src/groups/groups.ts";
import { systemClock } from "../src/kernel/clock.ts";

const ROWS = Number(process.env.BENCH_COMMONS_ROWS ?? 1_000_000);
const UNITS = ROWS / 5;
const LONG_KEYS = process.env.BENCH_COMMONS_UNITS === "ids";
const SECTORS = [
  "care",
  "food",
  "repair",
  "housing",
  "energy",
  "transport",
  "culture",
  "schools",
  "health",
  "tech",
];
const origin = "https://bench.example";
const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const signer = signerFromKeys(`${origin}/users/coop#multikey-2`, privateKey, publicKey);

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

/** CPU milliseconds of this process. */
function ownCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU milliseconds so far of the server processes serving this database (0 if unreadable). */
async function serverCpu(handle: Awaited<ReturnType<typeof openDatabase>>): Promise<number> {
  if (handle.dialect !== "postgres") return 0;
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity
    where datname = current_database()`.execute(handle.db);
  let ms = 0;
  for (const { pid } of rows) {
    try {
      // Fields 14 and 15 of /proc/PID/stat: user and system time, in clock ticks (10 ms).
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      ms += (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return 0;
    }
  }
  return ms;
}

async function run(label: string, url: string) {
  const handle = await openDatabase(url);
  try {
    await measure(label, handle);
  } finally {
    await handle.close();
  }
}

async function measure(label: string, handle: Awaited<ReturnType<typeof openDatabase>>) {
  const db = handle.db;
  await migrateToLatest(db);
  const made = await createAccount(
    db,
    { username: "ada", email: "ada@bench.example", password: "long enough", role: "admin" },
    { passwordCost: 8 },
  );
  if (!made.ok) throw new Error(made.reason);
  const ada = made.value;
  const cx = { db, origin, clock: systemClock, signer };
  const declared = await declareDataset(cx, ada, {
    groupId: (await assembly(db)).id,
    title: "Volunteer hours",
    purpose: "A bench of a grouped mean over a million rows.",
    unit: "member",
    period: "month",
    budgetRho: 100,
    defaultRho: 0.5,
    maxRowsPerUnit: 5,
    maxRowsPerMember: 10_000,
    fields: [
      { type: "number", name: "hours", decimals: 1, lower: "0", upper: "40", unit: "hours" },
      { type: "category", name: "sector", values: SECTORS },
    ],
  });
  if (!declared.ok) throw new Error(declared.reason);
  const datasetId = declared.value.id;
  // Rows made by the database itself (a generated series), ids in order like newId()'s.
  const sector = `case g % 10 ${SECTORS.map((s, i) => `when ${i} then '${s}'`).join(" ")} end`;
  const pad = handle.dialect === "postgres" ? "lpad(g::text, 8, '0')" : "printf('%08d', g)";
  const seeding = performance.now();
  const series =
    handle.dialect === "postgres"
      ? `select g from generate_series(1, ${ROWS}) as g`
      : `with recursive s(g) as (select 1 union all select g + 1 from s where g < ${ROWS}) select g from s`;
  const text = (e: string) =>
    handle.dialect === "postgres" ? `(${e})::text` : `cast(${e} as text)`;
  const unitKey = LONG_KEYS
    ? `'01a24584-3c8e-7000-8a94-' || ${handle.dialect === "postgres" ? `lpad((g % ${UNITS})::text, 12, '0')` : `printf('%012d', g % ${UNITS})`}`
    : `'u' || ${text(`g % ${UNITS}`)}`;
  await sql
    .raw(`insert into commons_rows (id, dataset_id, account_id, unit_key, consent_id, f0, f1, created_at)
      select 'r' || ${pad}, '${datasetId}', '${ada.id}', ${unitKey}, 'c',
        ${text(handle.dialect === "postgres" ? "(g::bigint * 7919) % 451" : "(g * 7919) % 451")}, ${sector}, '2026-01-01T00:00:00.000Z'
      from (${series}) as q`)
    .execute(db);
  if (handle.dialect === "postgres") await sql`analyze commons_rows`.execute(db);
  const seeded = (performance.now() - seeding) / 1000;
  const times: number[] = [];
  const cpus: string[] = [];
  for (const rho of [0.5, 0.4, 0.3]) {
    const [cpu, server] = [ownCpu(), await serverCpu(handle)];
    const start = performance.now();
    const answer = await queryDataset(cx, ada, {
      datasetId,
      query: { mechanism: "mean", field: "hours", by: "sector", rho },
    });
    times.push(performance.now() - start);
    const [cpuAfter, serverAfter] = [ownCpu(), await serverCpu(handle)];
    cpus.push(
      `${((cpuAfter - cpu) / 1000).toFixed(2)}${serverAfter > 0 ? ` + ${((serverAfter - server) / 1000).toFixed(2)}` : ""}`,
    );
    if (!answer.ok || answer.value.reused) throw new Error(JSON.stringify(answer));
  }
  const best = Math.min(...times);
  const cpuOf = handle.dialect === "postgres" ? "CPU s, Node + server" : "CPU s";
  console.log(
    `${label.padEnd(10)} ${ROWS.toLocaleString("en-US")} rows${LONG_KEYS ? " (36-character unit keys)" : ""} (seeded in ${seeded.toFixed(1)} s): grouped mean ${times.map((t) => `${(t / 1000).toFixed(2)} s`).join(", ")} (${cpuOf}: ${cpus.join(", ")}); best ${(best / 1000).toFixed(2)} s (target < 2 s): ${best < 2000 ? "ok" : "MISSED"}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(", ")}`,
  );
}

const dir = mkdtempSync(join(tmpdir(), "synco-bench-commons-"));
try {
  if (!process.argv.includes("--pg-only")) await run("SQLite", `sqlite:${join(dir, "synco.db")}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (process.argv.includes("--sqlite-only")) process.exit(0);

const server = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const scratch = `synco_bench_commons_${randomBytes(4).toString("hex")}`;
try {
  await adminQuery(server, `CREATE DATABASE ${scratch}`);
} catch (error) {
  console.log(`PostgreSQL skipped: ${(error as Error).message}`);
  process.exit(0);
}
try {
  const u = new URL(server);
  u.pathname = `/${scratch}`;
  await run("PostgreSQL", u.toString());
} catch (error) {
  console.log("PostgreSQL failed:", error);
  process.exitCode = 1;
} finally {
  await adminQuery(server, `DROP DATABASE ${scratch} WITH (FORCE)`);
}
