/**
 * The HTTP bench's requests answered in-process (`app.request`), one at a time:
 * the CPU time of the thread per request, the statements per request (SQLite:
 * node:sqlite's statements; PostgreSQL: queries sent), and, with PROFILE=1, where
 * that time goes (a CPU profile of the measured requests, summed by function). What
 * a change saves is read here, minutes apart on a loaded machine, before the
 * HTTP bench (bench/http.bench.ts) measures it on a quiet one.
 *
 *   node bench/http/inprocess.ts [home,status,…]      (SQLite; seeds DIR once)
 *   INPROC_DIR=/tmp/synco-inproc (default)  INPROC_POSTS=100000  INPROC_N=300
 *   INPROC_DATABASE_URL=postgres://postgres@127.0.0.1:5432/synco_inproc   (seeded once, kept)
 *   PROFILE=1 (top functions by self time)  PROFILE_OUT=file.cpuprofile
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync, StatementSync } from "node:sqlite";
import { createNode } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { syncoRequests } from "./requests.ts";
import { type Seeded, seed } from "./seed.ts";

const dir = process.env.INPROC_DIR ?? join(tmpdir(), "synco-inproc");
const posts = Number(process.env.INPROC_POSTS ?? 100_000);
const n = Number(process.env.INPROC_N ?? 300);
const pgUrl = process.env.INPROC_DATABASE_URL;
const keys = process.argv[2]?.split(",");
const PORT = 8787;
const host = `127.0.0.1:${PORT}`;
mkdirSync(dir, { recursive: true });

const envFor = (dataDir: string, databaseUrl: string) => ({
  SYNCO_DOMAIN: host,
  SYNCO_HOST: "127.0.0.1",
  SYNCO_PORT: String(PORT),
  SYNCO_DATA_DIR: dataDir,
  SYNCO_DATABASE_URL: databaseUrl,
  SYNCO_SECRET: "bench-secret-".padEnd(40, "x"),
  SYNCO_PASSWORD_COST: "8",
  SYNCO_LOG_LEVEL: "error",
  SYNCO_REGISTRATION: "open",
});

async function ensurePostgres(url: string) {
  const { default: pg } = await import("pg");
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new pg.Client({
    connectionString: Object.assign(new URL(url), { pathname: "/postgres" }).toString(),
  });
  await admin.connect();
  const found = await admin.query("select 1 from pg_database where datname = $1", [name]);
  if (!found.rowCount) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
}

/** The seeded node: seeded once into DIR (or the PostgreSQL database), a fresh copy of SQLite's each run. */
async function seededNode() {
  const saved = join(dir, pgUrl ? `seeded-${new URL(pgUrl).pathname.slice(1)}.json` : "bench.json");
  if (pgUrl) await ensurePostgres(pgUrl);
  const seedEnv = envFor(dir, pgUrl ?? `sqlite:${join(dir, "synco.db")}`);
  if (!existsSync(saved)) {
    const s = await seed(loadConfig(seedEnv), posts);
    writeFileSync(saved, JSON.stringify({ port: PORT, seeded: s }));
    console.log(`seeded ${posts} posts in ${s.seconds.toFixed(1)} s`);
  }
  const { seeded } = JSON.parse(readFileSync(saved, "utf8")) as { seeded: Seeded };
  if (pgUrl) return { seeded, config: loadConfig(seedEnv) };
  const copy = mkdtempSync(join(tmpdir(), "synco-inproc-run-"));
  for (const f of ["synco.db", "synco.db-wal"])
    if (existsSync(join(dir, f))) copyFileSync(join(dir, f), join(copy, f));
  return { seeded, config: loadConfig(envFor(copy, `sqlite:${join(copy, "synco.db")}`)) };
}

let statements = 0;
// STATEMENTS=1: SQLite's time per statement (by its text's start), printed after each request's runs.
const timed = process.env.STATEMENTS
  ? new Map<string, { n: number; us: number; plan: string }>()
  : null;
// Each statement's database, for PLANS=1.
const databases = new WeakMap<StatementSync, DatabaseSync>();
const prepare = DatabaseSync.prototype.prepare;
DatabaseSync.prototype.prepare = function (this: DatabaseSync, sqlText: string) {
  const statement = prepare.call(this, sqlText);
  databases.set(statement, this);
  return statement;
};
const allOf = StatementSync.prototype.all;
for (const method of ["all", "get", "run", "iterate"] as const) {
  const original = StatementSync.prototype[method] as (...a: unknown[]) => unknown;
  (StatementSync.prototype as unknown as Record<string, unknown>)[method] = function (
    this: StatementSync,
    ...args: unknown[]
  ) {
    statements++;
    if (!timed) return original.apply(this, args);
    const started = performance.now();
    const out = original.apply(this, args);
    const key = this.sourceSQL.replace(/\s+/g, " ").slice(0, 110);
    let t = timed.get(key);
    if (!t) {
      // PLANS=1: SQLite's plan of each statement, as first run.
      const db = process.env.PLANS ? databases.get(this) : undefined;
      const plan =
        db && /^\s*select/i.test(this.sourceSQL)
          ? (
              allOf.apply(
                prepare.call(db, `EXPLAIN QUERY PLAN ${this.sourceSQL}`),
                args as never,
              ) as {
                detail: string;
              }[]
            )
              .map((r) => `\n          ${r.detail}`)
              .join("")
          : "";
      t = { n: 0, us: 0, plan: plan ?? "" };
    }
    t.n++;
    t.us += (performance.now() - started) * 1000;
    timed.set(key, t);
    return out;
  };
}
if (pgUrl) {
  const { default: pg } = await import("pg");
  const original = pg.Client.prototype.query as (...a: unknown[]) => unknown;
  (pg.Client.prototype as unknown as Record<string, unknown>).query = function (
    ...args: unknown[]
  ) {
    statements++;
    return original.apply(this, args);
  };
}

const { seeded, config } = await seededNode();
const node = await createNode(config);
const requests = syncoRequests(seeded, host).filter(
  (r) => !r.single && (!keys || keys.includes(r.key)),
);
const once = async (path: string, headers?: Record<string, string>) => {
  const res = await node.app.request(`http://${host}${path}`, { headers });
  const body = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
  return body.length;
};

const session = new Session();
if (process.env.PROFILE) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
}
console.log("| request | CPU µs per request | wall µs per request | statements | bytes |");
console.log("|---|---|---|---|---|");
for (const r of requests) {
  for (let i = 0; i < 50; i++) await once(r.path, r.headers);
  if (process.env.PROFILE) await session.post("Profiler.start");
  timed?.clear();
  const started = performance.now();
  const before = process.threadCpuUsage();
  const counted = statements;
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes = await once(r.path, r.headers);
  const cpu = process.threadCpuUsage(before);
  // Wall time, one request at a time: on PostgreSQL, mostly its sequential round trips.
  const wall = performance.now() - started;
  const perStatement = (statements - counted) / n;
  console.log(
    `| ${r.label} | ${((cpu.user + cpu.system) / n).toFixed(0)} | ${((1000 * wall) / n).toFixed(0)} | ${perStatement.toFixed(1)} | ${bytes} |`,
  );
  if (timed) {
    for (const [sqlText, t] of [...timed].sort((a, b) => b[1].us - a[1].us))
      console.log(
        `    ${(t.us / n).toFixed(0).padStart(6)} µs  ${(t.n / n).toFixed(1)}×  ${sqlText}${t.plan}`,
      );
    timed.clear();
  }
  if (process.env.PROFILE) {
    const { profile } = await session.post("Profiler.stop");
    if (process.env.PROFILE_OUT)
      writeFileSync(`${r.key}-${process.env.PROFILE_OUT}`, JSON.stringify(profile));
    summarise(profile);
  }
}
await node.close();

/** Self time by function (name and file:line), the top 25, in % of the samples. */
function summarise(profile: {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
}) {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  for (const id of profile.samples ?? []) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    const where = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/(src|node_modules)\//, "$1/")}:${f.lineNumber + 1}`;
    self.set(where, (self.get(where) ?? 0) + 1);
  }
  const total = profile.samples?.length ?? 1;
  for (const [where, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`    ${((100 * count) / total).toFixed(1).padStart(5)} %  ${where}`);
}
