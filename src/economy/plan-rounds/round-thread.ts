/**
 * Runs one revision's CPU-bound work in its own worker thread (round-worker.ts),
 * as the planner does (planning/planner.ts): the solve never stalls the web, and
 * the WebAssembly heap HiGHS grows is returned when the thread exits.
 */
import { Worker } from "node:worker_threads";
import type { RoundJob, RoundReply } from "./round-worker.ts";

export type SolvedRound = Extract<RoundReply, { ok: true }>;

export function solveInThread(job: RoundJob): Promise<SolvedRound> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./round-worker.ts", import.meta.url), { workerData: job });
    let settled = false;
    worker.once("message", (reply: RoundReply) => {
      settled = true;
      if (reply.ok) resolve(reply);
      else reject(new Error(`${reply.name}: ${reply.message}`));
    });
    worker.once("error", (error) => {
      settled = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (!settled)
        reject(new Error(`the plan-round worker exited (code ${code}) without an answer`));
    });
  });
}
