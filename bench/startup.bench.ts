/**
 * Foundation bench (issue 2): time from process start to the first answered
 * request, and resident memory (RSS) once the node has answered.
 * Targets: < 0.5 s and < 100 MB. Measured on a fresh data dir (first start,
 * migrations included) and on restarts of the same node.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The same entry point as `npm start`: the wrapper that sets the runtime flags.
const cli = join(import.meta.dirname, "..", "bin", "synco");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

async function startOnce(dataDir: string): Promise<{ seconds: number; rss: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(cli, ["start"], {
    env: {
      ...process.env,
      SYNCO_DATA_DIR: dataDir,
      SYNCO_PORT: String(port),
      SYNCO_LOG_LEVEL: "error",
    },
    stdio: "ignore",
  });
  const deadline = started + 20_000;
  let seconds = Number.NaN;
  while (performance.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      if (res.ok) {
        await res.text();
        seconds = (performance.now() - started) / 1000;
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  // Let the process settle after its first answer before reading its memory.
  await new Promise((r) => setTimeout(r, 300));
  const rss = rssMb(child.pid ?? 0);
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
  return { seconds, rss };
}

const dataDir = mkdtempSync(join(tmpdir(), "synco-bench-start-"));
const first = await startOnce(dataDir);
const restarts = [];
for (let i = 0; i < 5; i++) restarts.push(await startOnce(dataDir));
const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const startS = median(restarts.map((r) => r.seconds));
const rss = median(restarts.map((r) => r.rss));
console.log(
  `first start (new database, migrations): ${first.seconds.toFixed(3)} s to first answer, RSS ${first.rss.toFixed(1)} MB`,
);
console.log(
  `restart, median of 5: ${startS.toFixed(3)} s to first answer (target < 0.5 s): ${startS < 0.5 ? "ok" : "MISSED"}`,
);
console.log(
  `RSS after start, median of 5: ${rss.toFixed(1)} MB (target < 100 MB): ${rss < 100 ? "ok" : "MISSED"}`,
);
