/**
 * Restart bench (issues 2 and 24): time and CPU from process start to the first
 * answer (/healthz, as bench/http.bench.ts reads it), resident memory (RSS) once
 * the node is idle, and RSS after one request to each area's pages (which load
 * their modules on first use, src/app/lazy-areas.ts).
 * Targets (issue 24): restart < 0.3 s, idle RSS < 90 MB.
 *
 *   node bench/startup.bench.ts                      (a fresh data dir)
 *   STARTUP_DIR=/tmp/inproc-b node bench/startup.bench.ts   (a copy of a seeded node's dir)
 *   STARTUP_RUNS=5
 *   STARTUP_ROLE=web   `synco start --role web` (no worker), to see the start without it
 *   STARTUP_LOAD=400   then 400 of each HTTP bench request, 4 at a time, and RSS after
 *                      (needs STARTUP_DIR seeded by bench/http/inprocess.ts: its bench.json)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpuMs, freePort, rssMb, sleep } from "./http/measure.ts";
import { syncoRequests } from "./http/requests.ts";
import type { Seeded } from "./http/seed.ts";

// The same entry point as `npm start`: the wrapper that sets the runtime flags.
const cli = join(import.meta.dirname, "..", "bin", "synco");
const runs = Number(process.env.STARTUP_RUNS ?? 5);
const load = Number(process.env.STARTUP_LOAD ?? 0);
const roleArgs = process.env.STARTUP_ROLE ? ["--role", process.env.STARTUP_ROLE] : [];
/** The seeded node's member and status (bench/http/inprocess.ts writes them with the seed). */
const seededFile = process.env.STARTUP_DIR ? join(process.env.STARTUP_DIR, "bench.json") : "";
const seeded: Seeded | undefined =
  load > 0 && existsSync(seededFile)
    ? (JSON.parse(readFileSync(seededFile, "utf8")) as { seeded: Seeded }).seeded
    : undefined;
/** One page per area, asked after the idle reading (what a visitor's browsing loads). */
const areaPaths = [
  "/",
  "/social",
  "/groups",
  "/media",
  "/economy",
  "/commons",
  "/login",
  "/api/v1/instance",
  "/.well-known/nodeinfo",
];

interface Start {
  seconds: number;
  cpuSeconds: number;
  idleRss: number;
  browsedRss: number;
  /** RSS after STARTUP_LOAD of each bench request (NaN without it). */
  loadedRss: number;
}

/** `load` of each HTTP bench request, 4 at a time, as the bench's clients ask them. */
async function sendLoad(port: number): Promise<void> {
  if (!seeded) return;
  // The node's own host: the seed's links and WebFinger name it (envFor in inprocess.ts).
  const requests = syncoRequests(seeded, "127.0.0.1:8787").filter((r) => !r.single);
  for (const r of requests) {
    let left = load;
    const client = async () => {
      while (left-- > 0) {
        const res = await fetch(`http://127.0.0.1:${port}${r.path}`, { headers: r.headers });
        await res.text();
        if (!res.ok) throw new Error(`${r.path}: ${res.status}`);
      }
    };
    await Promise.all([client(), client(), client(), client()]);
  }
}

async function waitForAnswer(url: string, child: ChildProcess, started: number): Promise<number> {
  while (performance.now() < started + 30_000) {
    if (child.exitCode !== null) throw new Error(`the node exited (${child.exitCode})`);
    try {
      const res = await fetch(url);
      await res.text();
      if (res.ok) return (performance.now() - started) / 1000;
    } catch {
      // not listening yet
    }
    await sleep(2);
  }
  throw new Error("no answer in 30 s");
}

async function startOnce(dataDir: string): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(cli, ["start", ...roleArgs], {
    env: {
      ...process.env,
      SYNCO_DATA_DIR: dataDir,
      SYNCO_DATABASE_URL: `sqlite:${join(dataDir, "synco.db")}`,
      SYNCO_PORT: String(port),
      SYNCO_LOG_LEVEL: "error",
      // The seed's domain and secret (bench/http/inprocess.ts), so its token and names hold.
      ...(seeded && {
        SYNCO_DOMAIN: "127.0.0.1:8787",
        SYNCO_SECRET: "bench-secret-".padEnd(40, "x"),
      }),
    },
    stdio: "ignore",
  });
  const pid = child.pid ?? 0;
  const seconds = await waitForAnswer(`http://127.0.0.1:${port}/healthz`, child, started);
  const cpuSeconds = cpuMs(pid) / 1000;
  // Let the process settle after its first answer before reading its memory.
  await sleep(1000);
  const idleRss = rssMb(pid);
  for (const path of areaPaths) await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
  await sleep(500);
  const browsedRss = rssMb(pid);
  await sendLoad(port);
  const loadedRss = seeded ? rssMb(pid) : Number.NaN;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
  return { seconds, cpuSeconds, idleRss, browsedRss, loadedRss };
}

/** A copy of STARTUP_DIR's database, or a fresh dir (the first start migrates it). */
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "synco-bench-start-"));
  const from = process.env.STARTUP_DIR;
  if (from)
    for (const f of ["synco.db", "synco.db-wal"])
      if (existsSync(join(from, f))) copyFileSync(join(from, f), join(dir, f));
  return dir;
}

const dir = dataDir();
const first = await startOnce(dir);
const restarts: Start[] = [];
for (let i = 0; i < runs; i++) restarts.push(await startOnce(dir));
const median = (pick: (s: Start) => number) =>
  restarts.map(pick).sort((a, b) => a - b)[Math.floor(restarts.length / 2)] ?? Number.NaN;
const line = (s: Start) =>
  `${s.seconds.toFixed(3)} s to first answer (${s.cpuSeconds.toFixed(2)} s CPU), idle RSS ${s.idleRss.toFixed(1)} MB, after one page per area ${s.browsedRss.toFixed(1)} MB${seeded ? `, after ${load} of each bench request ${s.loadedRss.toFixed(1)} MB` : ""}`;
console.log(
  `first start${process.env.STARTUP_DIR ? "" : " (new database, migrations)"}: ${line(first)}`,
);
const m = {
  seconds: median((s) => s.seconds),
  cpuSeconds: median((s) => s.cpuSeconds),
  idleRss: median((s) => s.idleRss),
  browsedRss: median((s) => s.browsedRss),
  loadedRss: median((s) => s.loadedRss),
};
console.log(`restart, median of ${runs}: ${line(m)}`);
console.log(
  `targets: restart < 0.3 s ${m.seconds < 0.3 ? "ok" : "MISSED"}; idle RSS < 90 MB ${m.idleRss < 90 ? "ok" : "MISSED"}`,
);
