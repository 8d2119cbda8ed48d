/**
 * Extra inbox capacity for a process that answers HTTP and runs the queues on one
 * thread (`synco start`, role "all"). Verifying and parsing an incoming activity,
 * then handling it, is CPU work; in a burst the web and the inbox queue take turns
 * on one core while the other core idles. When this thread has been saturated for
 * a second while handling activities, a helper thread starts and takes over the
 * inbox queue (this thread's inbox consumers pause); it leaves once it has had
 * nothing to do for a while, and this thread consumes again.
 *
 * The helper is a thread, not always on, because it costs what a second worker
 * process would: its own copy of Fedify and a database connection (~50 MB); an
 * idle or lightly used node should not pay for it. Messages are leased rows, so a
 * helper that dies loses nothing: they come back to whoever consumes next.
 */
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { getLogger } from "@logtape/logtape";
import type { Config } from "./config.ts";
import type { InboxHelper } from "./worker.ts";

const logger = getLogger(["synco", "worker"]);

export interface InboxHelperOptions {
  /** Event-loop utilisation over one check above which this thread counts as saturated. */
  saturated?: number;
  /** Activities this thread must have taken during that check for the inbox to be the cause. */
  minTaken?: number;
  checkMs?: number;
  /** How long the helper stays with nothing to take before it leaves. */
  idleExitMs?: number;
  /** Told when a helper starts and when it has left (tests watch this). */
  onHelper?: (event: "started" | "stopped") => void;
}

/** How long a stopping helper may take to finish its handlers before it is terminated. */
const STOP_TIMEOUT_MS = 15_000;
/** After a helper failed, how long this thread carries on alone before trying another. */
const RETRY_AFTER_FAILURE_MS = 60_000;
/**
 * The helper's young generation. The process runs with a 1 MB semi-space to start
 * small; the helper exists only under load, where scavenging so small a space
 * costs a sixth of the CPU.
 */
const YOUNG_GENERATION_MB = 16;

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

function runHelper(config: Config, idleExitMs: number, signal: AbortSignal): Promise<number> {
  const thread = new Worker(new URL("./inbox-helper-thread.ts", import.meta.url), {
    workerData: { config, idleExitMs },
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
  const stop = () => {
    thread.postMessage("stop");
    setTimeout(() => thread.terminate(), STOP_TIMEOUT_MS).unref();
  };
  signal.addEventListener("abort", stop, { once: true });
  thread.on("error", (error) => logger.error("The inbox helper failed: {error}", { error }));
  return new Promise((resolve) =>
    thread.once("exit", (code) => {
      signal.removeEventListener("abort", stop);
      resolve(code);
    }),
  );
}

export function inboxHelper(config: Config, options: InboxHelperOptions = {}): InboxHelper {
  const {
    saturated = 0.8,
    minTaken = 20,
    checkMs = 1_000,
    idleExitMs = 10_000,
    onHelper,
  } = options;
  return async (runtime, signal) => {
    let lastLoop = performance.eventLoopUtilization();
    let lastTaken = runtime.inboxTaken();
    let notBefore = 0;
    while (!signal.aborted) {
      await sleep(checkMs, signal);
      const loop = performance.eventLoopUtilization();
      const busy = performance.eventLoopUtilization(loop, lastLoop).utilization;
      const taken = runtime.inboxTaken() - lastTaken;
      lastLoop = loop;
      lastTaken = runtime.inboxTaken();
      if (signal.aborted || busy < saturated || taken < minTaken || Date.now() < notBefore)
        continue;
      runtime.pauseInbox(true);
      onHelper?.("started");
      try {
        const code = await runHelper(config, idleExitMs, signal);
        if (code !== 0 && !signal.aborted) {
          // Starting a helper costs a second of CPU: a failing one must not loop.
          logger.error("The inbox helper stopped with exit code {code}", { code });
          notBefore = Date.now() + RETRY_AFTER_FAILURE_MS;
        }
      } finally {
        runtime.pauseInbox(false);
        onHelper?.("stopped");
      }
      lastLoop = performance.eventLoopUtilization();
      lastTaken = runtime.inboxTaken();
    }
  };
}
