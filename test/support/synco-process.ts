/**
 * `synco start --role …` as a real child process, for tests of several processes
 * sharing one database. A web process is ready when it prints the address it
 * listens on (SYNCO_PORT=0 lets the OS pick the port); a worker prints nothing, so
 * tests find it by the application_name its database connections carry.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "../../src/federation/testing.ts";

const cli = join(import.meta.dirname, "..", "..", "bin", "synco.ts");

export interface SyncoProcess {
  name: string;
  role: "web" | "worker";
  child: ChildProcess;
  /** The port a web process listens on (0 for a worker). */
  port: number;
  /** Whether the process has exited (killed or crashed). */
  exited: boolean;
  /** Everything it printed on stdout (the start-up lines). */
  output: string;
  /** Resolves when a web process listens (at once for a worker); fails if it exits first. */
  ready: Promise<void>;
  /** Sends `signal` and resolves once the process has exited. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

/** Spawns at once (so a test can always kill it); `ready` says when it listens. */
export function startSyncoProcess(
  name: string,
  role: "web" | "worker",
  env: Record<string, string>,
): SyncoProcess {
  const child = spawn(process.execPath, [cli, "start", "--role", role], {
    // The launcher's compile cache (bin/synco): a loaded machine starts four processes faster.
    env: {
      ...process.env,
      NODE_COMPILE_CACHE: join(tmpdir(), "synco-compile-cache"),
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const proc: SyncoProcess = {
    name,
    role,
    child,
    port: 0,
    exited: false,
    output: "",
    ready: Promise.resolve(),
    stop(signal) {
      if (proc.exited) return Promise.resolve();
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill(signal);
      return exited;
    },
  };
  child.once("exit", () => {
    proc.exited = true;
  });
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    proc.output += chunk;
  });
  if (role === "web") {
    // Generous: four processes starting at once on a loaded machine take a while.
    proc.ready = waitFor(
      `${name} listening`,
      () => {
        if (proc.exited) throw new Error(`${name} exited before listening:\n${proc.output}`);
        const port = /\(listening on [^\s]+:(\d+)\)/.exec(proc.output)?.[1];
        if (port) proc.port = Number(port);
        return proc.port > 0;
      },
      120_000,
    ).then(() => undefined);
  }
  return proc;
}
