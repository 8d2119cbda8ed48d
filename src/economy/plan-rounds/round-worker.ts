/**
 * Worker-thread entry for one revision of a round: everything CPU-bound after
 * the database read happens here, off the event loop — building the planner's
 * input from the proposals (links to the nearest needers), HiGHS, reading the
 * flows back as commitments, and serialising the input and output that are
 * stored for re-running. The main thread only reads and writes the database.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadHighs } from "../planning/highs.ts";
import { PlanSolveError, solveAllocation } from "../planning/solve.ts";
import {
  type CommitmentKey,
  commitmentsOf,
  diagnosisOf,
  type ProposedCommitment,
  type RoundProposal,
  roundInput,
  type ShortMinimum,
  type Weights,
} from "./rules.ts";

export interface RoundJob {
  proposals: RoundProposal[];
  weights: Weights;
  fixed: CommitmentKey[];
  rejected: CommitmentKey[];
  /** Labour hours the co-ops stated for the round (co-op URI → hours). */
  hours: Record<string, number>;
}

export type RoundReply =
  | {
      ok: true;
      /** No co-op had anything to plan: nothing was solved. */
      empty: boolean;
      input: string;
      output: string | null;
      keys: string;
      commitments: ProposedCommitment[];
      diagnosis: ShortMinimum[] | null;
      solverVersion: string | null;
      solverSeconds: number;
    }
  | { ok: false; name: string; message: string };

function run(job: RoundJob, highs: Awaited<ReturnType<typeof loadHighs>>): RoundReply {
  const planned = roundInput(job.proposals, job);
  const base = {
    ok: true as const,
    empty: planned.input.coops.length === 0,
    input: JSON.stringify(planned.input),
    keys: JSON.stringify({
      goods: planned.goods,
      offers: planned.offers,
      requests: planned.requests,
    }),
  };
  if (base.empty)
    return {
      ...base,
      output: null,
      commitments: [],
      diagnosis: null,
      solverVersion: null,
      solverSeconds: 0,
    };
  try {
    const result = solveAllocation(highs, planned.input);
    return {
      ...base,
      output: JSON.stringify(result),
      commitments: commitmentsOf(planned, result),
      diagnosis: null,
      solverVersion: `HiGHS ${result.solver.version} ${result.solver.method}`,
      solverSeconds: result.solver.seconds,
    };
  } catch (error) {
    if (!(error instanceof PlanSolveError) || error.status !== "infeasible") throw error;
    return {
      ...base,
      output: null,
      commitments: [],
      diagnosis: diagnosisOf(planned, error.shortNeeds),
      solverVersion: null,
      solverSeconds: 0,
    };
  }
}

try {
  parentPort?.postMessage(run(workerData as RoundJob, await loadHighs()));
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  parentPort?.postMessage({ ok: false, name: e.name, message: e.message } satisfies RoundReply);
}
