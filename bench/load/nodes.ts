/**
 * The load test's nodes: each a real `synco start` in a child process (the
 * project's Node, the flags bin/synco uses) on a loopback address, with its own
 * data dir and a fresh database: SQLite in the data dir, or a new PostgreSQL
 * database on the server of `postgresUrl` (dropped again by `dropDatabase`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const cli = join(import.meta.dirname, "..", "..", "bin", "synco.ts");
/** bin/synco's default V8 flags, so the node's memory is what a deployment would see. */
const NODE_FLAGS = ["--max-semi-space-size=1", "--max-old-space-size=384"];

export interface NodeSpec {
  name: string;
  host: string;
  port: number;
  origin: string;
  databaseUrl: string;
  env: Record<string, string>;
}

export function freePort(host: string): Promise<number> {
  const s = createServer();
  return new Promise((resolve, reject) => {
    s.once("error", reject);
    s.listen(0, host, () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function pgAdmin(url: string, sql: string): Promise<void> {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new, empty database: the node migrates it when it starts (or the seeding does). */
export async function freshDatabase(dataDir: string, postgresUrl?: string): Promise<string> {
  if (!postgresUrl) return `sqlite:${join(dataDir, "synco.db")}`;
  const name = `synco_load_${randomBytes(5).toString("hex")}`;
  await pgAdmin(postgresUrl, `CREATE DATABASE ${name}`);
  const u = new URL(postgresUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropDatabase(databaseUrl: string, postgresUrl?: string): Promise<void> {
  if (!postgresUrl || !databaseUrl.startsWith("postgres")) return;
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^synco_load_[0-9a-f]{10}$/.test(name)) return;
  await pgAdmin(postgresUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

export async function nodeSpec(
  name: string,
  host: string,
  postgresUrl?: string,
): Promise<NodeSpec> {
  const port = await freePort(host);
  const dataDir = mkdtempSync(join(tmpdir(), `synco-load-${name}-`));
  const databaseUrl = await freshDatabase(dataDir, postgresUrl);
  return {
    name,
    host,
    port,
    origin: `http://${host}:${port}`,
    databaseUrl,
    env: {
      SYNCO_HOST: host,
      SYNCO_PORT: String(port),
      SYNCO_DOMAIN: `${host}:${port}`,
      SYNCO_DATA_DIR: dataDir,
      SYNCO_DATABASE_URL: databaseUrl,
      SYNCO_SECRET: `load-${name}-secret-`.padEnd(40, "x"),
      SYNCO_PASSWORD_COST: "8",
      SYNCO_ALLOW_PRIVATE_ADDRESS: "1",
      SYNCO_LOG_LEVEL: "error",
    },
  };
}

export interface RunningNode {
  spec: NodeSpec;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** Starts the node and waits until /healthz answers (up to `ms`). */
export async function startNode(spec: NodeSpec, ms = 180_000): Promise<RunningNode> {
  const child = spawn(process.execPath, [...NODE_FLAGS, cli, "start"], {
    env: { ...process.env, ...spec.env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + ms;
  for (;;) {
    if (gone) throw new Error(`node ${spec.name} exited while starting`);
    const ok = await fetch(`${spec.origin}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { spec, child, exited };
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`node ${spec.name} did not answer /healthz within ${ms} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function stopNode(node: RunningNode, signal: NodeJS.Signals = "SIGTERM") {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  node.child.kill(signal);
  await node.exited;
}

/** The process's peak resident memory so far (Linux VmHWM), in MB; 0 when unknown. */
export function peakRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}
