/**
 * What the HTTP bench measures with: free ports, a process's RSS and CPU time
 * (from /proc), and a load run by the load client (bench/http/load-client.ts) in
 * its own process, so its CPU is not the server's.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export const CONNECTIONS = 10;

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024;

const TICKS = 100;
/** CPU time (user + system) a process has used, in ms: a figure the machine's load does not inflate. */
export const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Load {
  /** The servers' CPU time per answer, in ms (when their pids were given). */
  cpu?: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  bytesPerAnswer: number;
}

/**
 * `connections` keep-alive connections on `urls` (spread over them in turn: two
 * web processes behind one balancer) for `seconds`; the CPU the `pids` used meanwhile.
 */
export async function load(
  urls: string | string[],
  seconds: number,
  headers: Record<string, string> = {},
  connections = CONNECTIONS,
  pids: number[] = [],
): Promise<Load> {
  const cpu = () => pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const before = cpu();
  const result = await runLoad([urls].flat(), seconds, headers, connections);
  if (pids.length) result.cpu = (cpu() - before) / result.requests;
  return result;
}

function runLoad(
  urls: string[],
  seconds: number,
  headers: Record<string, string>,
  connections: number,
): Promise<Load> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(import.meta.dirname, "load-client.ts"),
        urls.join(","),
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
