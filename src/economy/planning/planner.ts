/**
 * Plans an allocation round off the main thread. Each round gets its own
 * worker: the solve does not stall the server, and the WebAssembly heap that
 * HiGHS grows for a large round (it never shrinks) is returned when the worker
 * exits.
 */
import { type PlanInput, PlanInputError } from "./input.ts";
import { type PlanResult, PlanSolveError } from "./solve.ts";
import { runInThread } from "./thread.ts";
import type { WorkerReply } from "./worker.ts";

export type { PlanInput } from "./input.ts";
export { PlanInputError } from "./input.ts";
export { type PlanResult, PlanSolveError, type ShortNeed } from "./solve.ts";

export function planAllocation(input: PlanInput | unknown): Promise<PlanResult> {
  return runInThread(new URL("./worker.ts", import.meta.url), input, (reply: WorkerReply) => {
    if (reply.ok) return reply.result;
    if (reply.name === "PlanInputError") throw new PlanInputError(reply.issues ?? [reply.message]);
    if (reply.name === "PlanSolveError")
      throw new PlanSolveError(reply.status ?? "unknown", reply.message, reply.shortNeeds);
    throw new Error(`${reply.name}: ${reply.message}`);
  });
}
