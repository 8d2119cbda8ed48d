/**
 * Plans an allocation round off the main thread. Each round gets its own
 * worker: the solve does not stall the server, and the WebAssembly heap that
 * HiGHS grows for a large round (it never shrinks) is returned when the worker
 * exits.
 */
import { Worker } from "node:worker_threads";
import { type PlanInput, PlanInputError } from "./input.ts";
import { type PlanResult, PlanSolveError } from "./solve.ts";
import type { WorkerReply } from "./worker.ts";

export type { PlanInput } from "./input.ts";
export { PlanInputError } from "./input.ts";
export { type PlanResult, PlanSolveError, type ShortNeed } from "./solve.ts";

export function planAllocation(input: PlanInput | unknown): Promise<PlanResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./worker.ts", import.meta.url), { workerData: input });
    let settled = false;
    worker.once("message", (reply: WorkerReply) => {
      settled = true;
      if (reply.ok) resolve(reply.result);
      else if (reply.name === "PlanInputError")
        reject(new PlanInputError(reply.issues ?? [reply.message]));
      else if (reply.name === "PlanSolveError")
        reject(new PlanSolveError(reply.status ?? "unknown", reply.message, reply.shortNeeds));
      else reject(new Error(`${reply.name}: ${reply.message}`));
    });
    worker.once("error", (error) => {
      settled = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (!settled)
        reject(new Error(`the planning worker exited (code ${code}) without an answer`));
    });
  });
}
