/**
 * HTTP bench (issue 24): what an app and a browser feel, request by request, on a
 * node started as in production (`bin/synco start`) over 100,000 posts. Each
 * request runs for BENCH_SECONDS (5) at 10 connections from a separate load
 * process (bench/http/load-client.ts) after a warm-up; each figure is printed
 * with its ratio to a bare Hono static route measured in the same run (the
 * ceiling, bench/http/ceiling.ts) and, with BENCH_DATABASE_URL set, PostgreSQL's
 * beside SQLite's. Also: restart to first answer, idle RSS, RSS after the run.
 *
 *   npm run bench -- http                 (SQLite)
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench -- http
 *       (SQLite and a fresh PostgreSQL database on that server, dropped after)
 *   BENCH_POSTS=20000 BENCH_SECONDS=3 BENCH_ONLY=home,status …   (a quicker run)
 *   BENCH_REUSE=/tmp/synco-http-node …   (seed the SQLite node there once, start from it after)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { type Seeded, seed } from "./http/seed.ts";

const POSTS = Number(process.env.BENCH_POSTS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;
const ONLY = process.env.BENCH_ONLY?.split(",");
const root = join(import.meta.dirname, "..");
const node = process.execPath;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024;
/** CPU time (user + system) a process has used, in ms: a figure the machine's load does not inflate. */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
};
const TICKS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Load {
  /** The server's CPU time per answer, in ms (when its pid was given). */
  cpu?: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  bytesPerAnswer: number;
}
async function load(
  url: string,
  seconds: number,
  headers: Record<string, string> = {},
  connections = CONNECTIONS,
  serverPid?: number,
): Promise<Load> {
  const before = serverPid ? cpuMs(serverPid) : 0;
  const result = await runLoad(url, seconds, headers, connections);
  if (serverPid) result.cpu = (cpuMs(serverPid) - before) / result.requests;
  return result;
}

function runLoad(
  url: string,
  seconds: number,
  headers: Record<string, string>,
  connections: number,
): Promise<Load> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      node,
      [
        join(import.meta.dirname, "http", "load-client.ts"),
        url,
        String(seconds),
        String(connections),
        JSON.stringify({ "user-agent": "synco-bench", ...headers }),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out) as Load) : reject(new Error(`load client: ${code}`)),
    );
  });
}

async function waitForAnswer(url: string, started: number, child: ChildProcess): Promise<number> {
  while (performance.now() - started < 120_000) {
    if (child.exitCode !== null) throw new Error(`the node exited (${child.exitCode})`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return (performance.now() - started) / 1000;
    } catch {
      // not listening yet
    }
    await sleep(2);
  }
  throw new Error(`no answer from ${url}`);
}

interface Request {
  key: string;
  label: string;
  path: string;
  headers?: Record<string, string>;
  /** At 1 connection: the time one request takes at the server (the loop adds ~0.1 ms). */
  single?: boolean;
}
const requests = (s: Seeded, host: string): Request[] => {
  const auth = { authorization: `Bearer ${s.token}` };
  const all: Request[] = [
    {
      key: "webfinger",
      label: "WebFinger",
      path: `/.well-known/webfinger?resource=acct:m1@${host}`,
    },
    {
      key: "actor",
      label: "actor document",
      path: "/users/m1",
      headers: { accept: "application/activity+json" },
    },
    { key: "nodeinfo", label: "NodeInfo 2.1", path: "/nodeinfo/2.1" },
    { key: "instance", label: "GET /api/v1/instance", path: "/api/v1/instance" },
    {
      key: "home",
      label: "home timeline, 40",
      path: "/api/v1/timelines/home?limit=40",
      headers: auth,
    },
    {
      key: "local",
      label: "local timeline, 40",
      path: "/api/v1/timelines/public?local=true&limit=40",
    },
    { key: "public", label: "public timeline, 40", path: "/api/v1/timelines/public?limit=40" },
    { key: "status", label: "a status", path: `/api/v1/statuses/${s.statusId}`, headers: auth },
    { key: "account", label: "an account", path: `/api/v1/accounts/${s.accountId}`, headers: auth },
    {
      key: "account-statuses",
      label: "its statuses, 40",
      path: `/api/v1/accounts/${s.accountId}/statuses?limit=40`,
      headers: auth,
    },
    {
      key: "notifications",
      label: "notifications, 40",
      path: "/api/v1/notifications?limit=40",
      headers: auth,
    },
    {
      key: "web-home",
      label: "web home page (/social)",
      path: "/social",
      headers: { cookie: s.cookie },
    },
    {
      key: "web-home-1",
      label: "web home page, 1 connection",
      path: "/social",
      headers: { cookie: s.cookie },
      single: true,
    },
    {
      key: "web-notifications-1",
      label: "web notifications page, 1 connection",
      path: "/notifications",
      headers: { cookie: s.cookie },
      single: true,
    },
  ];
  return all.filter((r) => !ONLY || ONLY.includes(r.key));
};

interface Run {
  dialect: string;
  seeded: Seeded;
  restart: number;
  /** CPU seconds the node used up to its first answer (what a quiet machine's restart takes, about). */
  startCpu: number;
  idleRss: number;
  afterRss: number;
  figures: Map<string, Load>;
  labels: Map<string, string>;
}

async function startNode(env: Record<string, string>, port: number) {
  const started = performance.now();
  const child = spawn(
    join(root, "bin", "synco"),
    ["start", ...(process.env.BENCH_ROLE ? ["--role", process.env.BENCH_ROLE] : [])],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const seconds = await waitForAnswer(`http://127.0.0.1:${port}/healthz`, started, child);
  return { child, seconds };
}
async function stopNode(child: ChildProcess) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

async function benchOne(databaseUrl: string | null): Promise<Run> {
  // BENCH_REUSE=DIR keeps the seeded SQLite node in DIR and starts from it next time.
  const reuse = databaseUrl ? undefined : process.env.BENCH_REUSE;
  const saved = reuse && existsSync(join(reuse, "bench.json"));
  const dir = reuse ?? mkdtempSync(join(tmpdir(), "synco-bench-http-"));
  mkdirSync(dir, { recursive: true });
  const kept = saved
    ? (JSON.parse(readFileSync(join(dir, "bench.json"), "utf8")) as {
        port: number;
        seeded: Seeded;
      })
    : undefined;
  const port = kept?.port ?? (await freePort());
  const host = `127.0.0.1:${port}`;
  const env = {
    SYNCO_DOMAIN: host,
    SYNCO_HOST: "127.0.0.1",
    SYNCO_PORT: String(port),
    SYNCO_DATA_DIR: dir,
    SYNCO_DATABASE_URL: databaseUrl ?? `sqlite:${join(dir, "synco.db")}`,
    SYNCO_SECRET: "bench-secret-".padEnd(40, "x"),
    SYNCO_PASSWORD_COST: "8",
    SYNCO_LOG_LEVEL: "error",
    SYNCO_REGISTRATION: "open",
  };
  const seeded = kept?.seeded ?? (await seed(loadConfig(env), POSTS));
  if (reuse && !kept) writeFileSync(join(dir, "bench.json"), JSON.stringify({ port, seeded }));
  const dialect = databaseUrl ? "postgresql" : "sqlite";
  console.log(
    kept
      ? `${dialect}: the node seeded before in ${dir}`
      : `${dialect}: seeded ${POSTS} posts in ${seeded.seconds.toFixed(1)} s`,
  );
  // One start to warm the compile cache, then the measured restart.
  await stopNode((await startNode(env, port)).child);
  const { child, seconds } = await startNode(env, port);
  const startCpu = cpuMs(child.pid ?? 0) / 1000;
  await sleep(1000);
  const idleRss = rssMb(child.pid ?? 0);
  const figures = new Map<string, Load>();
  const labels = new Map<string, string>();
  for (const r of requests(seeded, host)) {
    const url = `http://${host}${r.path}`;
    const check = await fetch(url, { headers: r.headers });
    if (!check.ok) throw new Error(`${r.path}: ${check.status} ${await check.text()}`);
    await check.arrayBuffer();
    const conns = r.single ? 1 : CONNECTIONS;
    await load(url, 1, r.headers, conns);
    figures.set(r.key, await load(url, SECONDS, r.headers, conns, child.pid));
    labels.set(r.key, r.label);
    console.error(`… ${dialect} ${r.key}: ${JSON.stringify(figures.get(r.key))}`);
  }
  const afterRss = rssMb(child.pid ?? 0);
  await stopNode(child);
  return { dialect, seeded, restart: seconds, startCpu, idleRss, afterRss, figures, labels };
}

async function postgresDatabase(serverUrl: string) {
  const { default: pg } = await import("pg");
  const name = `synco_bench_http_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

const ceilingPort = await freePort();
const ceiling = spawn(
  node,
  [join(import.meta.dirname, "http", "ceiling.ts"), String(ceilingPort)],
  {
    stdio: ["ignore", "pipe", "inherit"],
  },
);
await new Promise((r) => ceiling.stdout?.once("data", r));
const ceilingUrl = `http://127.0.0.1:${ceilingPort}/.well-known/webfinger`;
await load(ceilingUrl, 1);
const ceil = await load(ceilingUrl, SECONDS, {}, CONNECTIONS, ceiling.pid);
ceiling.kill("SIGTERM");
console.log(
  `ceiling (bare Hono, static JSON): ${Math.round(ceil.rps)}/s, p99 ${ceil.p99.toFixed(1)} ms`,
);

const runs: Run[] = [await benchOne(null)];
const pgServer = process.env.BENCH_DATABASE_URL;
if (pgServer) {
  const pgDb = await postgresDatabase(pgServer);
  try {
    runs.push(await benchOne(pgDb.url));
  } finally {
    await pgDb.drop();
  }
}

const [l1, l5] = loadavg();
console.log(
  `\nload average ${l1?.toFixed(2)} (1 min), ${l5?.toFixed(2)} (5 min); ${SECONDS} s per request, ${CONNECTIONS} connections\n`,
);
console.log(
  "/s: answers per second (× the ceiling's, measured in the same run); CPU: the server's CPU time per answer (× ceiling: the ceiling's CPU per answer ÷ this one, the throughput ratio on an idle machine)\n",
);
const head = runs
  .map((r) => `${r.dialect} /s (× ceiling) | CPU µs (× ceiling) | p50 / p99 ms`)
  .join(" | ");
console.log(`| request | ${head} |${runs.length > 1 ? " pg ÷ sqlite (CPU) |" : ""}`);
console.log(`|---|${runs.map(() => "---|---|---").join("|")}|${runs.length > 1 ? "---|" : ""}`);
const first = runs[0] as Run;
for (const [key, label] of first.labels) {
  const cells = runs.map((r) => {
    const f = r.figures.get(key);
    if (!f) return "— | — | —";
    const bad = f.errors ? ` (${f.errors} errors)` : "";
    const cpu = f.cpu ?? Number.NaN;
    return `${Math.round(f.rps)} (${(f.rps / ceil.rps).toFixed(3)})${bad} | ${(cpu * 1000).toFixed(0)} (${((ceil.cpu ?? 0) / cpu).toFixed(3)}) | ${f.p50.toFixed(1)} / ${f.p99.toFixed(1)}`;
  });
  const ratio =
    runs.length > 1
      ? ` ${((runs[1]?.figures.get(key)?.cpu ?? 0) / (first.figures.get(key)?.cpu ?? 1)).toFixed(2)} |`
      : "";
  console.log(`| ${label} | ${cells.join(" | ")} |${ratio}`);
}
for (const r of runs)
  console.log(
    `${r.dialect}: restart to first answer ${r.restart.toFixed(3)} s (${r.startCpu.toFixed(3)} s of CPU); idle RSS ${r.idleRss.toFixed(0)} MB; RSS after the run ${r.afterRss.toFixed(0)} MB`,
  );
