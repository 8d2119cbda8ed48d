/**
 * HTTP bench (issue 24): what an app and a browser feel, request by request, on a
 * node started as in production (`bin/synco start`) over 100,000 posts. Each
 * request runs for BENCH_SECONDS (5) at 10 connections from a separate load
 * process (bench/http/load-client.ts) after a warm-up. Each figure is printed with
 * its ratio to a bare Hono static route measured in the same run (the ceiling,
 * bench/http/ceiling.ts) and to GoToSocial measured in the same run, when its
 * binary is at hand (bench/http/gotosocial.ts). With BENCH_DATABASE_URL set,
 * PostgreSQL's figures (a `--role web` process) are printed beside SQLite's, and
 * the home timeline and instance document from two `--role web` processes on the
 * same PostgreSQL database against one (scale-out). Also: restart to first
 * answer, idle RSS, RSS after the run.
 *
 *   npm run bench -- http                 (SQLite, and GoToSocial if at hand)
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench -- http
 *       (also a fresh PostgreSQL database on that server, dropped after)
 *   BENCH_POSTS=20000 BENCH_SECONDS=3 BENCH_ONLY=home,status …   (a quicker run)
 *   BENCH_REUSE=/tmp/synco-http-node …   (seed the SQLite node there once, start from it after)
 *   BENCH_GTS=0 (no GoToSocial column), BENCH_GTS_POSTS (1,500)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { type GtsNode, gotosocialAtHand, startSeededGoToSocial } from "./http/gotosocial.ts";
import { CONNECTIONS, cpuMs, freePort, type Load, load, rssMb, sleep } from "./http/measure.ts";
import { gtsRequests, type Request, syncoRequests } from "./http/requests.ts";
import { type Seeded, seed } from "./http/seed.ts";

/** Each request's label, by its key. */
const labels = new Map<string, string>();
const POSTS = Number(process.env.BENCH_POSTS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const root = join(import.meta.dirname, "..");
const node = process.execPath;

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

interface Run {
  name: string;
  restart?: number;
  /** CPU seconds the node used up to its first answer (what a quiet machine's restart takes, about). */
  startCpu?: number;
  idleRss?: number;
  afterRss: number;
  figures: Map<string, Load>;
}

async function startNode(env: Record<string, string>, port: number, role?: string) {
  const started = performance.now();
  const child = spawn(join(root, "bin", "synco"), ["start", ...(role ? ["--role", role] : [])], {
    env: { ...process.env, ...env, SYNCO_PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const seconds = await waitForAnswer(`http://127.0.0.1:${port}/healthz`, started, child);
  return { child, seconds };
}
async function stopNode(child: ChildProcess) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** Warm-up, then the measured load, for each request; the CPU of `pids`. */
async function measure(
  name: string,
  origins: string[],
  list: Request[],
  pids: number[],
): Promise<Map<string, Load>> {
  const figures = new Map<string, Load>();
  for (const r of list) {
    labels.set(r.key, r.label);
    const urls = origins.map((o) => `${o}${r.path}`);
    for (const url of urls) {
      const check = await fetch(url, { headers: r.headers });
      if (!check.ok) throw new Error(`${url}: ${check.status} ${await check.text()}`);
      await check.arrayBuffer();
    }
    const conns = r.single ? 1 : CONNECTIONS;
    await load(urls, 1, r.headers, conns);
    figures.set(r.key, await load(urls, SECONDS, r.headers, conns, pids));
    console.error(`… ${name} ${r.key}: ${JSON.stringify(figures.get(r.key))}`);
  }
  return figures;
}

interface Prepared {
  dialect: string;
  env: Record<string, string>;
  port: number;
  host: string;
  seeded: Seeded;
}

async function prepare(databaseUrl: string | null): Promise<Prepared> {
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
    SYNCO_DATA_DIR: dir,
    SYNCO_DATABASE_URL: databaseUrl ?? `sqlite:${join(dir, "synco.db")}`,
    SYNCO_SECRET: "bench-secret-".padEnd(40, "x"),
    SYNCO_PASSWORD_COST: "8",
    SYNCO_LOG_LEVEL: "error",
    SYNCO_REGISTRATION: "open",
  };
  const seeded =
    kept?.seeded ?? (await seed(loadConfig({ ...env, SYNCO_PORT: String(port) }), POSTS));
  if (reuse && !kept) writeFileSync(join(dir, "bench.json"), JSON.stringify({ port, seeded }));
  const dialect = databaseUrl ? "postgresql" : "sqlite";
  console.log(
    kept
      ? `${dialect}: the node seeded before in ${dir}`
      : `${dialect}: seeded ${POSTS} posts in ${seeded.seconds.toFixed(1)} s`,
  );
  return { dialect, env, port, host, seeded };
}

/** One node (role all on SQLite, `--role web` on PostgreSQL): every request. */
async function benchSynco(p: Prepared): Promise<Run> {
  const role = p.dialect === "postgresql" ? "web" : undefined;
  // One start to warm the compile cache, then the measured restart.
  await stopNode((await startNode(p.env, p.port, role)).child);
  const { child, seconds } = await startNode(p.env, p.port, role);
  const pid = child.pid ?? 0;
  const startCpu = cpuMs(pid) / 1000;
  await sleep(1000);
  const idleRss = rssMb(pid);
  const name = role ? `${p.dialect} (--role web)` : p.dialect;
  const figures = await measure(name, [`http://${p.host}`], syncoRequests(p.seeded, p.host), [pid]);
  const afterRss = rssMb(pid);
  await stopNode(child);
  return { name, restart: seconds, startCpu, idleRss, afterRss, figures };
}

/** One `--role web` process, then two on the same database, the connections shared between them. */
async function benchScaleOut(p: Prepared): Promise<Run[]> {
  const list = syncoRequests(p.seeded, p.host).filter((r) => ["home", "instance"].includes(r.key));
  const second = await freePort();
  const [a, b] = [
    (await startNode(p.env, p.port, "web")).child,
    (await startNode(p.env, second, "web")).child,
  ];
  const pids = [a.pid ?? 0, b.pid ?? 0];
  const one = await measure("1 web", [`http://${p.host}`], list, pids.slice(0, 1));
  const two = await measure(
    "2 web",
    [`http://${p.host}`, `http://127.0.0.1:${second}`],
    list,
    pids,
  );
  const afterRss = Math.max(...pids.map(rssMb));
  await Promise.all([stopNode(a), stopNode(b)]);
  return [
    { name: "pg, 1 web process", afterRss, figures: one },
    { name: "pg, 2 web processes", afterRss, figures: two },
  ];
}

async function benchGoToSocial(): Promise<Run | null> {
  if (process.env.BENCH_GTS === "0") return null;
  if (!gotosocialAtHand()) {
    console.log("GoToSocial: no binary at ~/.cache/synco/gotosocial: no GoToSocial column");
    return null;
  }
  let g: GtsNode | undefined;
  try {
    g = await startSeededGoToSocial(mkdtempSync(join(tmpdir(), "synco-bench-gts-")));
    console.log(`gotosocial: seeded through its API in ${g.seconds.toFixed(1)} s`);
    await sleep(1000);
    const idleRss = rssMb(g.pid);
    const figures = await measure("gotosocial", [g.url], gtsRequests(g), [g.pid]);
    return { name: "gotosocial", idleRss, afterRss: rssMb(g.pid), figures };
  } finally {
    await g?.close();
  }
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
const ceil = await load(ceilingUrl, SECONDS, {}, CONNECTIONS, [ceiling.pid ?? 0]);
ceiling.kill("SIGTERM");
console.log(
  `ceiling (bare Hono, static JSON): ${Math.round(ceil.rps)}/s, p99 ${ceil.p99.toFixed(1)} ms`,
);

const gts = await benchGoToSocial();
const runs: Run[] = [await benchSynco(await prepare(null))];
const pgServer = process.env.BENCH_DATABASE_URL;
if (pgServer) {
  const pgDb = await postgresDatabase(pgServer);
  try {
    const prepared = await prepare(pgDb.url);
    runs.push(await benchSynco(prepared));
    runs.push(...(await benchScaleOut(prepared)));
  } finally {
    await pgDb.drop();
  }
}
if (gts) runs.push(gts);
printTable(runs);

function printTable(all: Run[]) {
  const [l1, l5] = loadavg();
  console.log(
    `\nload average ${l1?.toFixed(2)} (1 min), ${l5?.toFixed(2)} (5 min); ${SECONDS} s per request, ${CONNECTIONS} connections`,
  );
  console.log(
    "/s: answers per second (× the ceiling's; ÷ GoToSocial's, measured in the same run). CPU µs: the server's CPU time per answer (× ceiling: the ceiling's CPU per answer ÷ this one, the throughput ratio on an idle machine).\n",
  );
  const first = all[0] as Run;
  const g = all.find((r) => r.name === "gotosocial");
  for (const r of all) {
    console.log(`### ${r.name}\n`);
    console.log("| request | /s (× ceiling) | ÷ GoToSocial | CPU µs (× ceiling) | p50 / p99 ms |");
    console.log("|---|---|---|---|---|");
    for (const key of first.figures.keys()) {
      const f = r.figures.get(key);
      if (!f) continue;
      const label = labels.get(key);
      const bad = f.errors ? ` (${f.errors} errors)` : "";
      const cpu = f.cpu ?? Number.NaN;
      const vsGts = g && g !== r && g.figures.get(key);
      console.log(
        `| ${label ?? key} | ${Math.round(f.rps)} (${(f.rps / ceil.rps).toFixed(3)})${bad} | ${vsGts ? (f.rps / vsGts.rps).toFixed(2) : "—"} | ${(cpu * 1000).toFixed(0)} (${((ceil.cpu ?? 0) / cpu).toFixed(3)}) | ${f.p50.toFixed(1)} / ${f.p99.toFixed(1)} |`,
      );
    }
    console.log();
  }
  const pg = all.find((r) => r.name.startsWith("postgresql"));
  if (pg) {
    console.log("PostgreSQL ÷ SQLite, CPU per answer (the target: ≤ 1.5):");
    for (const [key, f] of pg.figures)
      console.log(`  ${key}: ${((f.cpu ?? 0) / (first.figures.get(key)?.cpu ?? 1)).toFixed(2)}`);
  }
  const [one, two] = [
    all.find((r) => r.name.includes("1 web")),
    all.find((r) => r.name.includes("2 web")),
  ];
  if (one && two) {
    console.log("Two web processes ÷ one, answers per second (the target: ≥ 1.7):");
    for (const [key, f] of two.figures)
      console.log(`  ${key}: ${(f.rps / (one.figures.get(key)?.rps ?? 1)).toFixed(2)}`);
  }
  for (const r of all)
    console.log(
      `${r.name}: ${r.restart !== undefined ? `restart to first answer ${r.restart.toFixed(3)} s (${r.startCpu?.toFixed(3)} s of CPU); ` : ""}${r.idleRss !== undefined ? `idle RSS ${r.idleRss.toFixed(0)} MB; ` : ""}RSS after the run ${r.afterRss.toFixed(0)} MB`,
    );
}
