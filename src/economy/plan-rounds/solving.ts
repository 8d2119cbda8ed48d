/**
 * Solving rounds, in the worker (never in a web request): a round waiting for
 * its solver (open, or re-solving after a rejection) is claimed in the
 * database (so two workers never solve it twice), its input built from the
 * members' open proposals — less what both sides accepted earlier, without
 * the links of rejected commitments — and handed to the planner, which runs
 * HiGHS in a worker thread of its own (planning/planner.ts): the event loop
 * keeps answering while a 1,000-co-op round solves. The revision's input,
 * output and solver version are stored with its commitments in one
 * transaction, and the Plan is published (outbox event).
 */
import { getLogger } from "@logtape/logtape";
import { recordEvent } from "../../db/outbox.ts";
import { newId } from "../../kernel/ids.ts";
import { coopUri } from "../../kernel/uris.ts";
import {
  type PlanInput,
  type PlanResult,
  PlanSolveError,
  planAllocation,
} from "../planning/planner.ts";
import { isoNow, type PlanRoundsContext, planCommitmentUri } from "./context.ts";
import { roundProposals } from "./inputs.ts";
import { notifyCoopAdmins } from "./notices.ts";
import { isAgreed, type PlanRound } from "./rounds.ts";
import {
  type CommitmentKey,
  commitmentsOf,
  diagnosisOf,
  type RoundInput,
  roundInput,
  type ShortMinimum,
  type Weights,
} from "./rules.ts";

const logger = getLogger(["synco", "economy", "plan-rounds"]);

/** A claim older than this is a worker that died mid-solve: another may take the round. */
const STALE_CLAIM_MS = 10 * 60_000;
/** A re-solved revision leaves the co-ops at least this long to answer. */
const MIN_ANSWER_WINDOW_MS = 24 * 3600_000;

export interface SolveOptions {
  /** The solver (the planner's worker thread by default). */
  solve?: (input: PlanInput) => Promise<PlanResult>;
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

/** The input of the round's next revision, from the database as it is now. */
export async function nextInput(ctx: PlanRoundsContext, round: PlanRound): Promise<RoundInput> {
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
    .execute();
  const fixed = earlier.filter(isAgreed).map(keyOf);
  const rejected = earlier
    .filter((c) => c.provider_answer === "rejected" || c.receiver_answer === "rejected")
    .map(keyOf);
  const proposals = await roundProposals(ctx.db, round, ctx.clock.now());
  return roundInput(proposals, { weights: JSON.parse(round.weights) as Weights, fixed, rejected });
}

async function solveRound(ctx: PlanRoundsContext, id: string, options: SolveOptions) {
  const round = await ctx.db
    .selectFrom("plan_rounds")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  const planned = await nextInput(ctx, round);
  const revision = round.revision + 1;
  let result: PlanResult | null = null;
  let diagnosis: ShortMinimum[] | null = null;
  const started = performance.now();
  if (planned.input.coops.length > 0) {
    try {
      result = await (options.solve ?? planAllocation)(planned.input);
    } catch (error) {
      if (!(error instanceof PlanSolveError) || error.status !== "infeasible") throw error;
      diagnosis = diagnosisOf(planned, error.shortNeeds);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const proposed = result ? commitmentsOf(planned, result) : [];
  const version = result
    ? `HiGHS ${result.solver.version} ${result.solver.method}`
    : round.solver_version;
  const at = isoNow(ctx);
  const deadline = new Date(
    Math.max(
      Date.parse(round.deadline),
      ctx.clock.now().getTime() + (round.revision > 0 ? MIN_ANSWER_WINDOW_MS : 0),
    ),
  ).toISOString();
  const status = diagnosis ? "infeasible" : proposed.length > 0 ? "accepting" : "closed";
  await ctx.db.transaction().execute(async (trx) => {
    if (planned.input.coops.length > 0)
      await trx
        .insertInto("plan_revisions")
        .values({
          id: newId(),
          round_id: round.id,
          revision,
          input: JSON.stringify(planned.input),
          output: result ? JSON.stringify(result) : null,
          keys: JSON.stringify({
            goods: planned.goods,
            offers: planned.offers,
            requests: planned.requests,
          }),
          status: diagnosis ? "infeasible" : "optimal",
          solver_version: version,
          seconds,
          created_at: at,
        })
        .execute();
    // Inserted in batches: a 1,000-co-op round proposes thousands of commitments.
    const rows = proposed.map((c) => {
      const cid = newId();
      return {
        id: cid,
        uri: planCommitmentUri(round.uri, cid),
        round_id: round.id,
        revision,
        provider_uri: c.providerUri,
        receiver_uri: c.receiverUri,
        spec_uri: c.specUri,
        name: c.name,
        unit: c.unit,
        quantity: c.quantity,
        offer_uri: c.offerUri,
        request_uri: c.requestUri,
        unit_cost: c.unitCost,
        destination_price: c.destinationPrice,
        marginal_cost: c.marginalCost,
        supply_price: c.supplyPrice,
        provider_answer: null,
        receiver_answer: null,
        agreement_uri: null,
        created_at: at,
        updated_at: at,
      };
    });
    for (let i = 0; i < rows.length; i += 500)
      await trx
        .insertInto("plan_commitments")
        .values(rows.slice(i, i + 500))
        .execute();
    await trx
      .updateTable("plan_rounds")
      .set({
        status,
        revision,
        deadline,
        solver_version: version,
        diagnosis: diagnosis ? JSON.stringify(diagnosis) : null,
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
    if (proposed.some((c) => c.providerUri === ours || c.receiverUri === ours))
      await notifyCoopAdmins(trx, ctx, round.id);
  });
}
