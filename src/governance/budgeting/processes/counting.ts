/**
 * Counting a process: for every district, its feasible projects and ballots
 * (named and secret) go to the engine under the process's rule, with the
 * engine's explanations, and greedy's outcome beside it for the comparison; both
 * are stored in pb_results and every page reads them from there. Counting is
 * CPU work of seconds for a large election, so it runs in the worker's sweep
 * (countWaitingProcesses), never in a request, and never inside a transaction:
 * the rows are read, the count runs, and the results of every district are
 * written together in one transaction with the "budgeting.results.counted" event.
 * Ballots cannot change once voting has closed, so nothing is lost between.
 *
 * Stored results keep the engine's CountResult (amounts in currency units, ids
 * the projects' ids) without the voter ids of each payment: the page shows how
 * many paid what, and a secret ballot's id has no business on a results page.
 */
import { getLogger } from "@logtape/logtape";
import { recordEvent } from "../../../db/outbox.ts";
import type { PbResultsTable } from "../../../db/schema/budgeting.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import { type CountResult, count } from "../count.ts";
import type { BudgetingContext } from "./context.ts";
import { electionOf } from "./pb-mapping.ts";
import { type Process, processById } from "./reads.ts";

const logger = getLogger(["synco", "budgeting", "counting"]);

/** Processes counted per sweep at most (the next sweep takes the rest). */
const BATCH = 3;

/** The process's recorded seed as the engine's number (any text hashes to one). */
export function seedOf(seed: string): number {
  if (/^\d{1,10}$/.test(seed) && Number(seed) < 2 ** 31) return Number(seed);
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  return h % 1_000_000_000;
}

/** The engine's result as stored: payments without voter ids. */
function stored(result: CountResult): CountResult {
  return {
    ...result,
    projects: result.projects.map((p) =>
      p.payments
        ? { ...p, payments: p.payments.map((g) => ({ ...g, voterIds: [] as string[] })) }
        : p,
    ),
  };
}

/** Every ballot of a district: named and secret, in id order (random for secret ones). */
async function ballotsOf(ctx: BudgetingContext, processId: string, districtId: string) {
  const named = await ctx.db
    .selectFrom("pb_ballots")
    .select(["id", "choices"])
    .where("process_id", "=", processId)
    .where("district_id", "=", districtId)
    .orderBy("id")
    .execute();
  const secret = await ctx.db
    .selectFrom("pb_secret_ballots")
    .select(["id", "choices"])
    .where("process_id", "=", processId)
    .where("district_id", "=", districtId)
    .orderBy("id")
    .execute();
  return [...named, ...secret].map((b, i) => ({
    id: `b${i + 1}`,
    choices: JSON.parse(b.choices) as Record<string, number>,
  }));
}

export type CountProblem = "not-found" | "not-hosted-here" | "count-failed";

/** Counts every district of a hosted process and stores the results (replacing any). */
export async function countProcess(
  ctx: BudgetingContext,
  processId: string,
): Promise<Result<{ districts: number }, CountProblem>> {
  const p = await processById(ctx, processId);
  if (!p) return fail("not-found");
  if (!p.local) return fail("not-hosted-here");
  const districts = await ctx.db
    .selectFrom("pb_districts")
    .select(["id", "budget"])
    .where("process_id", "=", p.id)
    .orderBy("position")
    .execute();
  const rows: PbResultsTable[] = [];
  for (const d of districts) {
    const projects = await ctx.db
      .selectFrom("pb_projects")
      .select(["id", "title", "cost"])
      .where("process_id", "=", p.id)
      .where("district_id", "=", d.id)
      .where("status", "=", "feasible")
      .orderBy("id")
      .execute();
    const ballots = await ballotsOf(ctx, p.id, d.id);
    const input = {
      kind: p.ballot_kind,
      budget: Number(d.budget),
      projects: projects.map((x) => ({ ...x, cost: Number(x.cost) })),
      ballots,
    };
    let result: CountResult;
    let greedy: CountResult;
    try {
      ({ result, greedy } = countDistrict(p, input));
    } catch (error) {
      logger.error("Counting process {processId} failed: {error}", { processId, error });
      return fail("count-failed");
    }
    rows.push({
      process_id: p.id,
      district_id: d.id,
      result: JSON.stringify(stored(result)),
      greedy: JSON.stringify(stored(greedy)),
      ballots_count: ballots.length,
      computed_at: ctx.clock.now().toISOString(),
    });
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("pb_results").where("process_id", "=", p.id).execute();
    if (rows.length) await trx.insertInto("pb_results").values(rows).execute();
    await recordEvent(trx, { type: "budgeting.results.counted", payload: { processId: p.id } });
  });
  return ok({ districts: rows.length });
}

/** The engine on one district: the process's rule, explained, and greedy for the comparison. */
export function countDistrict(
  p: Pick<Process, "rule" | "seed">,
  input: Parameters<typeof electionOf>[0],
): { result: CountResult; greedy: CountResult } {
  const election = electionOf(input);
  const seed = seedOf(p.seed);
  const result = count(election, { rule: p.rule, seed, explain: true });
  const greedy =
    p.rule === "greedy" ? result : count(election, { rule: "greedy", seed, explain: true });
  return { result, greedy };
}

/**
 * The worker's sweep: hosted processes past voting (results, implementation)
 * with no stored results yet — just closed, or just imported — are counted.
 */
export async function countWaitingProcesses(ctx: BudgetingContext): Promise<{ counted: number }> {
  const waiting = await ctx.db
    .selectFrom("pb_processes")
    .select("id")
    .where("local", "=", 1)
    .where("phase", "in", ["results", "implementation"])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("pb_results")
            .select("pb_results.process_id")
            .whereRef("pb_results.process_id", "=", "pb_processes.id"),
        ),
      ),
    )
    .orderBy("phase_changed_at")
    .limit(BATCH)
    .execute();
  let counted = 0;
  for (const { id } of waiting) if ((await countProcess(ctx, id)).ok) counted++;
  return { counted };
}
