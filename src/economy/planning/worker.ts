/**
 * Worker-thread entry: solves one allocation round and posts the result (or
 * the error, by name) back. HiGHS blocks the thread it runs on for seconds on
 * large rounds; here it blocks this worker, not the server's event loop.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadHighs } from "./highs.ts";
import { PlanInputError } from "./input.ts";
import { PlanSolveError, type ShortNeed, solveAllocation } from "./solve.ts";

export type WorkerReply =
  | { ok: true; result: ReturnType<typeof solveAllocation> }
  | {
      ok: false;
      name: string;
      message: string;
      issues?: string[];
      status?: string;
      shortNeeds?: ShortNeed[];
    };

function reply(message: WorkerReply): void {
  parentPort?.postMessage(message);
}

try {
  const highs = await loadHighs();
  reply({ ok: true, result: solveAllocation(highs, workerData) });
} catch (error) {
  if (error instanceof PlanInputError) {
    reply({ ok: false, name: error.name, message: error.message, issues: error.issues });
  } else if (error instanceof PlanSolveError) {
    reply({
      ok: false,
      name: error.name,
      message: error.message,
      status: error.status,
      shortNeeds: error.shortNeeds,
    });
  } else {
    const e = error instanceof Error ? error : new Error(String(error));
    reply({ ok: false, name: e.name, message: e.message });
  }
}
