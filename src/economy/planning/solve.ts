/**
 * Solves an allocation round with HiGHS (Huangfu & Hall, "Parallelizing the
 * dual revised simplex method", 2018; the interior-point solver is IPX, Schork
 * & Gondzio 2020), through highs-js's model API: the matrix goes in compressed
 * columns to Highs_passModel, no LP text is written or parsed. Synchronous and
 * CPU-bound: call it from a worker thread (worker.ts, planner.ts).
 */
import type { Highs } from "./highs.ts";
import { type PlanInput, validatePlanInput } from "./input.ts";
import { type Bounds, lotsOf, searchLots } from "./lots.ts";
import { type AllocationModel, buildAllocationModel } from "./model.ts";

export interface PlanFlow {
  from: string;
  to: string;
  good: string;
  quantity: number;
  unitCost: number;
  /** Price of the good where it arrives (the dual of the need row). */
  destinationPrice: number;
  /** What a unit costs to send: transport + the supply's value + its hours' value. */
  marginalCost: number;
}

export interface PlanResult {
  status: "optimal";
  objective: number;
  transportCost: number;
  shortfallCost: number;
  flows: PlanFlow[];
  needs: {
    coop: string;
    good: string;
    quantity: number;
    delivered: number;
    unmet: number;
    /** Marginal cost of serving one more unit of this need (dual of its row). */
    price: number;
  }[];
  unmet: { coop: string; good: string; quantity: number; priority: number }[];
  supplies: {
    coop: string;
    good: string;
    quantity: number;
    used: number;
    /** What one more unit of this supply would save (minus the dual of its row). */
    shadowPrice: number;
  }[];
  labour: { coop: string; hours: number; used: number; shadowPrice: number }[];
  solver: {
    name: "HiGHS";
    version: string;
    method: "ipm";
    status: string;
    iterations: number;
    seconds: number;
    variables: number;
    constraints: number;
    nonzeros: number;
    /**
     * Present when some supply has a minimum lot: the LPs its search solved and
     * whether it proved the plan the cheapest (false: stopped at the node limit).
     */
    lots?: { nodes: number; proven: boolean };
  };
}

/** A need whose minimum cannot be met alongside the others (see shortOfMinimum). */
export interface ShortNeed {
  coop: string;
  good: string;
  minimum: number;
  /** What reached it when the planner got as close to every minimum as it could. */
  delivered: number;
}

/** The round cannot be planned: HiGHS proved it infeasible, or stopped early. */
export class PlanSolveError extends Error {
  override name = "PlanSolveError";
  readonly status: string;
  /** When infeasible: the needs whose minimums stand in each other's way. */
  readonly shortNeeds: ShortNeed[];
  constructor(status: string, message: string, shortNeeds: ShortNeed[] = []) {
    super(message);
    this.status = status;
    this.shortNeeds = shortNeeds;
  }
}

/** How much more a unit short of a minimum costs, in the diagnosis, than anything else. */
const MINIMUM_PENALTY = 1e4;

// Values below this are solver noise around zero (HiGHS's default feasibility tolerance is 1e-7).
const epsilon = 1e-7;
const clean = (v: number) => (Math.abs(v) < epsilon ? 0 : v);
/** Negation that never yields -0 (which JSON prints as 0 but deepEqual tells apart). */
const negate = (v: number) => (v === 0 ? 0 : -v);

function statusName(highs: Highs, code: number): string {
  for (const [name, value] of Object.entries(highs.constants.modelStatus))
    if (value === code) return name;
  return `unknown(${code})`;
}

/** An LP of the model, with the column costs and upper bounds given (the model's by default). */
function createLp(
  highs: Highs,
  model: AllocationModel,
  columns: { cost: Float64Array; upper: Float64Array; lower?: Float64Array } = {
    cost: model.colCost,
    upper: model.colUpper,
  },
) {
  return highs.createModel({
    numCols: model.numCols,
    numRows: model.numRows,
    colCost: columns.cost,
    colLower: columns.lower ?? model.colLower,
    colUpper: columns.upper,
    rowLower: model.rowLower,
    rowUpper: model.rowUpper,
    matrix: {
      format: "csc",
      numRows: model.numRows,
      numCols: model.numCols,
      starts: model.starts,
      indices: model.indices,
      values: model.values,
    },
  });
}

/**
 * Names the needs behind an infeasible round. The round is solved again with the
 * minimums lifted, but each unit that a need with a minimum goes short costs far
 * more than any transport or priority, so the plan comes as close to every minimum
 * as the supplies, hours and links allow. The needs still below their minimum
 * there are the ones that cannot all be served: at least one of them must give.
 */
function shortOfMinimum(
  highs: Highs,
  input: ReturnType<typeof validatePlanInput>,
  model: AllocationModel,
): ShortNeed[] {
  const first = model.flows.length;
  const cost = Float64Array.from(model.colCost);
  const upper = Float64Array.from(model.colUpper);
  const dearest = cost.reduce((max, c) => Math.max(max, Math.abs(c)), 1);
  input.needs.forEach((n, i) => {
    upper[first + i] = n.quantity;
    if (n.minimum > 0) cost[first + i] = n.priority + MINIMUM_PENALTY * dearest;
  });
  const lp = createLp(highs, model, { cost, upper });
  try {
    lp.options.set({ output_flag: false, solver: "ipm" });
    lp.run();
    if (lp.getModelStatus() !== highs.constants.modelStatus.optimal) return [];
    const { colValue } = lp.getSolution();
    return input.needs.flatMap((n, i) => {
      const delivered = clean(n.quantity - (colValue[first + i] as number));
      // Interior-point answers carry a little noise: short means short by more than that.
      return n.minimum - delivered > 1e-6 * Math.max(1, n.minimum)
        ? [{ coop: n.coop, good: n.good, minimum: n.minimum, delivered }]
        : [];
    });
  } finally {
    lp.dispose();
  }
}

export function solveAllocation(highs: Highs, raw: PlanInput | unknown): PlanResult {
  const input = validatePlanInput(raw);
  const model = buildAllocationModel(input);
  const started = performance.now();
  const lots = lotsOf(model, (s) => input.supplies[s]?.minimumLot ?? 0);
  let nodes = 0;
  let status = "";
  // One LP at the given bounds; null when HiGHS proves it infeasible.
  const solveAt = (bounds: Bounds) => {
    const lp = createLp(highs, model, { cost: model.colCost, ...bounds });
    try {
      lp.options.set({ output_flag: false, solver: "ipm" });
      if (input.options?.timeLimit) lp.options.set("time_limit", input.options.timeLimit);
      lp.run();
      const code = lp.getModelStatus();
      status = statusName(highs, code);
      nodes++;
      if (code === highs.constants.modelStatus.infeasible) {
        if (nodes > 1) return null;
        // The round itself (lots aside) cannot meet its minimums: name the needs.
        const short = shortOfMinimum(highs, input, model);
        const named = short.map(
          (n) =>
            `${n.good} for ${n.coop} (minimum ${n.minimum}, at most ${Number(n.delivered.toPrecision(6))} with the others)`,
        );
        throw new PlanSolveError(
          status,
          `infeasible: the needs' minimums cannot all be met with these supplies, labour hours and links${named.length > 0 ? `; short: ${named.join("; ")}` : ""}`,
          short,
        );
      }
      if (code !== highs.constants.modelStatus.optimal) {
        throw new PlanSolveError(
          status,
          `the solver stopped without an optimal plan (status: ${status})`,
        );
      }
      const solution = lp.getSolution();
      let objective = 0;
      for (let j = 0; j < model.numCols; j++)
        objective += (model.colCost[j] as number) * (solution.colValue[j] as number);
      return { solution, objective, iterations: Number(lp.info.get("ipm_iteration_count")) };
    } finally {
      lp.dispose();
    }
  };
  const solver = (iterations: number, extra: Pick<PlanResult["solver"], "lots"> = {}) => ({
    name: "HiGHS" as const,
    version: highs.version.string,
    method: "ipm" as const,
    status,
    iterations,
    seconds: (performance.now() - started) / 1000,
    variables: model.numCols,
    constraints: model.numRows,
    nonzeros: model.indices.length,
    ...extra,
  });
  if (!lots.some((lot) => lot > 0)) {
    const root = solveAt({ lower: model.colLower, upper: model.colUpper });
    if (!root) throw new PlanSolveError("infeasible", "infeasible");
    return interpret(input, model, root.solution, solver(root.iterations));
  }
  const found = searchLots(model, lots, solveAt);
  if (!found) {
    throw new PlanSolveError(
      "infeasible",
      "infeasible: the needs' minimums cannot all be met when every offer is sent in lots of at least its minimum",
    );
  }
  status = "optimal";
  return interpret(
    input,
    model,
    found.solution,
    solver(found.iterations, { lots: { nodes: found.nodes, proven: found.proven } }),
  );
}

function interpret(
  input: ReturnType<typeof validatePlanInput>,
  model: AllocationModel,
  solution: { colValue: Float64Array; rowValue: Float64Array; rowDual: Float64Array },
  solver: PlanResult["solver"],
): PlanResult {
  const { colValue, rowValue, rowDual } = solution;
  const dual = (row: number) => clean(rowDual[row] as number);
  const labourValue = new Map<string, number>();
  model.labourRows.forEach((l, i) => {
    labourValue.set(l.coop, negate(dual(model.firstLabourRow + i)));
  });

  let transportCost = 0;
  const flows: PlanFlow[] = [];
  model.flows.forEach((f, j) => {
    const quantity = clean(colValue[j] as number);
    if (quantity <= 0) return;
    transportCost += quantity * f.cost;
    const supply = input.supplies[f.supply] as (typeof input.supplies)[number];
    flows.push({
      from: f.from,
      to: f.to,
      good: f.good,
      quantity,
      unitCost: f.cost,
      destinationPrice: dual(model.firstNeedRow + f.need),
      marginalCost: f.cost - dual(f.supply) + supply.hoursPerUnit * (labourValue.get(f.from) ?? 0),
    });
  });

  let shortfallCost = 0;
  const unmet: PlanResult["unmet"] = [];
  const needs = input.needs.map((n, i) => {
    const short = clean(colValue[model.flows.length + i] as number);
    shortfallCost += short * n.priority;
    if (short > 0)
      unmet.push({ coop: n.coop, good: n.good, quantity: short, priority: n.priority });
    return {
      coop: n.coop,
      good: n.good,
      quantity: n.quantity,
      delivered: clean(n.quantity - short),
      unmet: short,
      price: dual(model.firstNeedRow + i),
    };
  });

  return {
    status: "optimal",
    objective: transportCost + shortfallCost,
    transportCost,
    shortfallCost,
    flows,
    needs,
    unmet,
    supplies: input.supplies.map((s, i) => ({
      coop: s.coop,
      good: s.good,
      quantity: s.quantity,
      used: clean(rowValue[i] as number),
      shadowPrice: negate(dual(i)),
    })),
    labour: model.labourRows.map((l, i) => ({
      coop: l.coop,
      hours: l.hours,
      used: clean(rowValue[model.firstLabourRow + i] as number),
      shadowPrice: negate(dual(model.firstLabourRow + i)),
    })),
    solver,
  };
}
