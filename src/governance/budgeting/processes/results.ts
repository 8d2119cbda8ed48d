/**
 * Reading a process's stored results (counting.ts writes them in the worker):
 * every district's count as results-view.ts shapes it, in a fixed number of
 * queries. Nothing here counts; a process not yet counted has no results.
 */
import type { CountResult } from "../count.ts";
import type { BudgetingContext } from "./context.ts";
import { type Process, processById } from "./reads.ts";
import { type DistrictResults, districtResults } from "./results-view.ts";

export interface ProcessResults {
  process: Process;
  /** One per district counted, in the districts' order; empty until the worker counts. */
  districts: DistrictResults[];
}

export async function resultsOf(
  ctx: Pick<BudgetingContext, "db">,
  processId: string,
): Promise<ProcessResults | null> {
  const process = await processById(ctx, processId);
  if (!process) return null;
  const stored = await ctx.db
    .selectFrom("pb_results")
    .innerJoin("pb_districts", "pb_districts.id", "pb_results.district_id")
    .select([
      "pb_districts.id",
      "pb_districts.name",
      "pb_districts.budget",
      "pb_results.result",
      "pb_results.greedy",
      "pb_results.ballots_count",
      "pb_results.computed_at",
    ])
    .where("pb_results.process_id", "=", processId)
    .orderBy("pb_districts.position")
    .execute();
  if (stored.length === 0) return { process, districts: [] };
  const projects = await ctx.db
    .selectFrom("pb_projects")
    .select(["id", "title", "category_id"])
    .where("process_id", "=", processId)
    .execute();
  const categories = await ctx.db
    .selectFrom("pb_categories")
    .select(["id", "name"])
    .where("process_id", "=", processId)
    .orderBy("position")
    .execute();
  const byId = new Map(projects.map((p) => [p.id, p]));
  return {
    process,
    districts: stored.map((row) =>
      districtResults({
        district: { id: row.id, name: row.name, budget: Number(row.budget) },
        rule: process.rule,
        ballots: row.ballots_count,
        computedAt: row.computed_at,
        result: JSON.parse(row.result) as CountResult,
        greedy: JSON.parse(row.greedy) as CountResult,
        projects: byId,
        categories,
      }),
    ),
  };
}
