/**
 * The linear program of an allocation round, in compressed-column form.
 *
 *   minimise   Σ cost_l · x_lg  +  Σ priority_n · u_n
 *   subject to Σ_{links out of c} x_lg ≤ supply_cg             (one row per supply)
 *              Σ_g hoursPerUnit_cg · Σ_{out of c} x_lg ≤ hours_c (one row per co-op with hours)
 *              Σ_{links into c} x_lg + u_n = need_cg            (one row per need)
 *              0 ≤ x_lg,   0 ≤ u_n ≤ need_n − minimum_n
 *
 * x_lg is the flow of good g along link l, u_n the shortfall of need n. The
 * shortfall columns keep the problem feasible unless minimums are set, and
 * their priority weights make the duals of the need rows read as prices: the
 * marginal cost of serving one more unit where it is needed (Kantorovich's
 * "objectively determined valuations", 1939/1959; Dantzig, "Linear Programming
 * and Extensions", 1963, ch. 12 on the dual of the transportation problem).
 */
import type { ValidPlanInput } from "./input.ts";

export interface FlowColumn {
  from: string;
  to: string;
  good: string;
  cost: number;
  supply: number; // index into input.supplies
  need: number; // index into input.needs
}

export interface AllocationModel {
  numCols: number;
  numRows: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  /** Compressed columns: column j's entries are at starts[j] … starts[j+1]-1. */
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
  /** The flow columns come first, then one shortfall column per need. */
  flows: FlowColumn[];
  /** Row layout: supplies, then labour rows, then needs. */
  labourRows: { coop: string; hours: number }[];
  firstLabourRow: number;
  firstNeedRow: number;
}

const key = (a: string, b: string) => `${a}\u0000${b}`;

/** Builds the LP. The input must come from validatePlanInput. */
export function buildAllocationModel(input: ValidPlanInput): AllocationModel {
  const supplyIndex = new Map<string, number>();
  const suppliesOf = new Map<string, number[]>();
  input.supplies.forEach((s, i) => {
    supplyIndex.set(key(s.coop, s.good), i);
    const list = suppliesOf.get(s.coop) ?? [];
    list.push(i);
    suppliesOf.set(s.coop, list);
  });
  const needIndex = new Map<string, number>();
  input.needs.forEach((n, i) => {
    needIndex.set(key(n.coop, n.good), i);
  });

  // One flow column per (link, good) that some supply can feed and some need can take.
  // A link restricted to a good takes precedence over a general link on the same pair.
  const flows: FlowColumn[] = [];
  const seen = new Set<string>();
  const addFlow = (from: string, to: string, good: string, cost: number) => {
    const s = supplyIndex.get(key(from, good));
    const n = needIndex.get(key(to, good));
    if (s === undefined || n === undefined) return;
    const k = `${from}\u0000${to}\u0000${good}`;
    if (seen.has(k)) return;
    seen.add(k);
    flows.push({ from, to, good, cost, supply: s, need: n });
  };
  for (const l of input.links) if (l.good !== undefined) addFlow(l.from, l.to, l.good, l.cost);
  for (const l of input.links) {
    if (l.good !== undefined) continue;
    for (const s of suppliesOf.get(l.from) ?? []) {
      addFlow(l.from, l.to, (input.supplies[s] as ValidPlanInput["supplies"][number]).good, l.cost);
    }
  }

  const labourRows: AllocationModel["labourRows"] = [];
  const labourRowOf = new Map<string, number>();
  const firstLabourRow = input.supplies.length;
  for (const c of input.coops) {
    if (c.hours === undefined) continue;
    labourRowOf.set(c.id, firstLabourRow + labourRows.length);
    labourRows.push({ coop: c.id, hours: c.hours });
  }
  const firstNeedRow = firstLabourRow + labourRows.length;
  const numRows = firstNeedRow + input.needs.length;
  const numCols = flows.length + input.needs.length;

  const rowLower = new Float64Array(numRows);
  const rowUpper = new Float64Array(numRows);
  input.supplies.forEach((s, i) => {
    rowLower[i] = Number.NEGATIVE_INFINITY;
    rowUpper[i] = s.quantity;
  });
  labourRows.forEach((l, i) => {
    rowLower[firstLabourRow + i] = Number.NEGATIVE_INFINITY;
    rowUpper[firstLabourRow + i] = l.hours;
  });
  input.needs.forEach((n, i) => {
    rowLower[firstNeedRow + i] = n.quantity;
    rowUpper[firstNeedRow + i] = n.quantity;
  });

  const colCost = new Float64Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols);
  const starts = new Int32Array(numCols + 1);
  const indices = new Int32Array(3 * flows.length + input.needs.length);
  const values = new Float64Array(indices.length);
  let nz = 0;
  flows.forEach((f, j) => {
    const supply = input.supplies[f.supply] as ValidPlanInput["supplies"][number];
    colCost[j] = f.cost;
    // No upper bound of its own (min(supply, need) would be valid) so that a
    // scarce supply's value shows in its row's dual, not in this column's.
    colUpper[j] = Number.POSITIVE_INFINITY;
    starts[j] = nz;
    indices[nz] = f.supply;
    values[nz++] = 1;
    const labour = labourRowOf.get(f.from);
    if (labour !== undefined && supply.hoursPerUnit > 0) {
      indices[nz] = labour;
      values[nz++] = supply.hoursPerUnit;
    }
    indices[nz] = firstNeedRow + f.need;
    values[nz++] = 1;
  });
  input.needs.forEach((n, i) => {
    const j = flows.length + i;
    colCost[j] = n.priority;
    colUpper[j] = n.quantity - n.minimum;
    starts[j] = nz;
    indices[nz] = firstNeedRow + i;
    values[nz++] = 1;
  });
  starts[numCols] = nz;

  return {
    numCols,
    numRows,
    colCost,
    colLower,
    colUpper,
    rowLower,
    rowUpper,
    starts,
    indices: indices.subarray(0, nz),
    values: values.subarray(0, nz),
    flows,
    labourRows,
    firstLabourRow,
    firstNeedRow,
  };
}
