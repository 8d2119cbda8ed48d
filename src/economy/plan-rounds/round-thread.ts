/**
 * Runs one revision's CPU-bound work in its own worker thread (round-worker.ts),
 * as the planner does (planning/thread.ts): the solve never stalls the web.
 */
import { runInThread } from "../planning/thread.ts";
import type { RoundJob, RoundReply } from "./round-worker.ts";

export type SolvedRound = Extract<RoundReply, { ok: true }>;

export const solveInThread = (job: RoundJob): Promise<SolvedRound> =>
  runInThread(new URL("./round-worker.ts", import.meta.url), job, (reply: RoundReply) => {
    if (!reply.ok) throw new Error(`${reply.name}: ${reply.message}`);
    return reply;
  });
