/**
 * Solving rounds, in the worker (never in a web request): a round waiting for
 * its solver (open, or re-solving after a rejection) is claimed in the
 * database (so two workers never solve it twice), its input built from the
 * members' open proposals — less what both sides accepted earlier, without
 * the links of rejected commitments. Everything CPU-bound (the input, HiGHS,
 * the commitments, the JSON kept for re-running) runs in a worker thread of
 * its own (round-worker.ts): the event loop keeps answering while a
 * 1,000-co-op round solves. The commitments are written in short batches; the
 * revision's input, output and solver version, the round's new state and the
 * outbox event (the Plan is published) in one transaction at the end, which
 * is what makes the batches count.
 */
import { getLogger } from "@logtape/logtape";
import { recordEvent } from "../../db/outbox.ts";
import { newId } from "../../kernel/ids.ts";
import { coopUri } from "../../kernel/uris.ts";
import { isoNow, type PlanRoundsContext, planCommitmentUri } from "./context.ts";
import { roundProposals } from "./inputs.ts";
import { notifyCoopAdmins } from "./notices.ts";
import { solveInThread } from "./round-thread.ts";
import type { RoundJob } from "./round-worker.ts";
import { commitmentColumns, isAgreed, type PlanRound } from "./rounds.ts";
import type { CommitmentKey, Weights } from "./rules.ts";

const logger = getLogger(["synco", "economy", "plan-rounds"]);

/** A claim older than this is a worker that died mid-solve: another may take the round. */
const STALE_CLAIM_MS = 10 * 60_000;
/** A re-solved revision leaves the co-ops at least this long to answer. */
const MIN_ANSWER_WINDOW_MS = 24 * 3600_000;

export interface SolveOptions {
  /** Filled with each step's milliseconds (input, solve, store), for the bench. */
  timings?: Record<string, number>;
}

/** Solves every round waiting here; returns how many it solved. */
export async function solveWaitingRounds(
  ctx: PlanRoundsContext,
  options: SolveOptions = {},
): Promise<number> {
  const stale = new Date(ctx.clock.now().getTime() - STALE_CLAIM_MS).toISOString();
  const waiting = await ctx.db
    .selectFrom("plan_rounds")
    .select("id")
    .where("local", "=", 1)
    .where("status", "in", ["open", "re-solving"])
    .where((eb) => eb.or([eb("claimed_at", "is", null), eb("claimed_at", "<", stale)]))
    .orderBy("created_at")
    .limit(10)
    .execute();
  let solved = 0;
  for (const { id } of waiting) {
    const claimed = await ctx.db
      .updateTable("plan_rounds")
      .set({ claimed_at: isoNow(ctx) })
      .where("id", "=", id)
      .where("status", "in", ["open", "re-solving"])
      .where((eb) => eb.or([eb("claimed_at", "is", null), eb("claimed_at", "<", stale)]))
      .executeTakeFirst();
    if (claimed.numUpdatedRows !== 1n) continue;
    try {
      await solveRound(ctx, id, options);
      solved++;
    } catch (error) {
      logger.error("Solving plan round {id} failed: {error}", { id, error });
      await ctx.db
        .updateTable("plan_rounds")
        .set({ claimed_at: null })
        .where("id", "=", id)
        .execute();
    }
  }
  return solved;
}

const keyOf = (c: {
  provider_uri: string;
  receiver_uri: string;
  spec_uri: string;
  unit: string;
  quantity: number;
}): CommitmentKey => ({
  providerUri: c.provider_uri,
  receiverUri: c.receiver_uri,
  specUri: c.spec_uri,
  unit: c.unit,
  quantity: Number(c.quantity),
});

/** What the round's next revision is solved from, as the database has it now. */
export async function nextJob(ctx: PlanRoundsContext, round: PlanRound): Promise<RoundJob> {
  const earlier = await ctx.db
    .selectFrom("plan_commitments")
    .select([
      "provider_uri",
      "receiver_uri",
      "spec_uri",
      "unit",
      "quantity",
      "provider_answer",
      "receiver_answer",
    ])
    .where("round_id", "=", round.id)
    .where("revision", "<=", round.revision)
    .execute();
  const hours = await ctx.db
    .selectFrom("plan_round_hours")
    .select(["coop_uri", "hours"])
    .where("round_id", "=", round.id)
    .orderBy("coop_uri")
    .execute();
  return {
    hours: Object.fromEntries(hours.map((h) => [h.coop_uri, Number(h.hours)])),
    proposals: await roundProposals(ctx.db, round, ctx.clock.now()),
    weights: JSON.parse(round.weights) as Weights,
    fixed: earlier.filter(isAgreed).map(keyOf),
    rejected: earlier
      .filter((c) => c.provider_answer === "rejected" || c.receiver_answer === "rejected")
      .map(keyOf),
  };
}

/** Commitments are written this many at a time, each batch its own short transaction. */
const BATCH = 1000;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function solveRound(ctx: PlanRoundsContext, id: string, options: SolveOptions) {
  const round = await ctx.db
    .selectFrom("plan_rounds")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  const mark = (name: string, since: number) => {
    if (options.timings) options.timings[name] = performance.now() - since;
  };
  const began = performance.now();
  const job = await nextJob(ctx, round);
  mark("input", began);
  const started = performance.now();
  const solved = await solveInThread(job);
  mark("solve", started);
  const storing = performance.now();
  const revision = round.revision + 1;
  const at = isoNow(ctx);
  // A worker that died mid-write left commitments of a revision never published: drop them.
  await ctx.db
    .deleteFrom("plan_commitments")
    .where("round_id", "=", round.id)
    .where("revision", ">", round.revision)
    .execute();
  // Written in short transactions with a turn of the event loop between them, so
  // that web requests are answered while thousands of commitments are stored;
  // they count only once the round's revision moves to theirs (below).
  for (let i = 0; i < solved.commitments.length; i += BATCH) {
    const rows = solved.commitments.slice(i, i + BATCH).map((c) => {
      const cid = newId();
      return {
        id: cid,
        uri: planCommitmentUri(round.uri, cid),
        round_id: round.id,
        revision,
        ...commitmentColumns(c),
        provider_answer: null,
        receiver_answer: null,
        agreement_uri: null,
        created_at: at,
        updated_at: at,
      };
    });
    await ctx.db.transaction().execute(async (trx) => {
      for (let j = 0; j < rows.length; j += 250)
        await trx
          .insertInto("plan_commitments")
          .values(rows.slice(j, j + 250))
          .execute();
    });
    await turn();
  }
  const deadline = new Date(
    Math.max(
      Date.parse(round.deadline),
      ctx.clock.now().getTime() + (round.revision > 0 ? MIN_ANSWER_WINDOW_MS : 0),
    ),
  ).toISOString();
  const status = solved.diagnosis
    ? "infeasible"
    : solved.commitments.length > 0
      ? "accepting"
      : "closed";
  await ctx.db.transaction().execute(async (trx) => {
    if (!solved.empty)
      await trx
        .insertInto("plan_revisions")
        .values({
          id: newId(),
          round_id: round.id,
          revision,
          input: solved.input,
          output: solved.output,
          keys: solved.keys,
          status: solved.diagnosis ? "infeasible" : "optimal",
          solver_version: solved.solverVersion ?? round.solver_version,
          seconds: solved.solverSeconds,
          created_at: at,
        })
        .execute();
    await trx
      .updateTable("plan_rounds")
      .set({
        status,
        revision,
        deadline,
        solver_version: solved.solverVersion ?? round.solver_version,
        diagnosis: solved.diagnosis ? JSON.stringify(solved.diagnosis) : null,
        claimed_at: null,
        updated_at: at,
        closed_at: status === "accepting" ? null : at,
      })
      .where("id", "=", round.id)
      .execute();
    await recordEvent(trx, {
      type: status === "accepting" ? "plan-rounds.round.published" : "plan-rounds.round.closed",
      payload: { roundId: round.id, revision },
    });
    const ours = coopUri(ctx.origin);
    if (solved.commitments.some((c) => c.providerUri === ours || c.receiverUri === ours))
      await notifyCoopAdmins(trx, ctx, round.id);
  });
  mark("store", storing);
}
