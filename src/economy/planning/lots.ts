/**
 * Minimum lots: each flow from a supply with a `minimumLot` is 0 or at least
 * that lot (an offer's minimum order). That makes each such flow a
 * semi-continuous variable, which an LP cannot say; a small depth-first
 * branch-and-bound over the LP does (Land & Doig, "An automatic method of
 * solving discrete programming problems", 1960; semi-continuous branching as
 * in Beale, "Branch and bound methods for mathematical programming systems",
 * 1979):
 *
 * - solve the LP with the current bounds; prune it when infeasible or when its
 *   cost is no better than the best plan found (the LP's cost is a lower bound
 *   on every plan below it);
 * - if no flow lies strictly between 0 and its lot, it is a plan: keep it;
 * - otherwise branch on the flow furthest inside its gap: one side sets its
 *   upper bound to 0, the other its lower bound to the lot; the nearer side
 *   (by rounding) is tried first, so the first leaf reached is the rounded plan;
 * - when more than WIDE flows lie in their gaps (a large round), branching on
 *   one at a time would take thousands of LPs to reach a first plan: the node
 *   rounds them all at once instead (each to 0 or its lot, whichever is
 *   nearer), with "all of them 0" below it should the rounding be infeasible.
 *
 * Rounds without lots never come here: their LP is solved once, as before. The
 * search is bounded (MAX_NODES LPs); when it stops early the best plan found
 * is kept and `proven` says it may not be the cheapest. The order is fixed, so
 * the same input always gives the same plan.
 */
import type { AllocationModel } from "./model.ts";

/** LPs solved at most in one round's search (each is a full solve of the round). */
export const MAX_NODES = 200;
/** More flows than this in their gaps at once are rounded together, not branched on one by one. */
export const WIDE = 8;

export interface Bounds {
  lower: Float64Array;
  upper: Float64Array;
}

export interface NodeSolution {
  colValue: Float64Array;
  rowValue: Float64Array;
  rowDual: Float64Array;
}

/** One LP at these bounds: its solution and cost, or null when infeasible. */
export type SolveNode = (
  bounds: Bounds,
) => { solution: NodeSolution; objective: number; iterations: number } | null;

export interface LotSearch {
  bounds: Bounds;
  solution: NodeSolution;
  objective: number;
  iterations: number;
  /** LPs solved, the root included. */
  nodes: number;
  /** False when the node limit stopped the search before it had proved the plan cheapest. */
  proven: boolean;
}

/** A flow's lot: its supply's minimumLot (0: no lot). */
export function lotsOf(model: AllocationModel, minimumLot: (supply: number) => number) {
  return model.flows.map((f) => minimumLot(f.supply));
}

const inGap = (x: number, lot: number) => x > 1e-7 && x < lot - 1e-6 * Math.max(1, lot);

/**
 * Searches for the cheapest plan whose every flow respects its lot. Returns
 * null when no such plan exists (every branch infeasible).
 */
export function searchLots(
  model: AllocationModel,
  lots: readonly number[],
  solve: SolveNode,
  maxNodes = MAX_NODES,
): LotSearch | null {
  let best: LotSearch | null = null;
  let nodes = 0;
  let proven = true;
  const stack: Bounds[] = [{ lower: model.colLower, upper: model.colUpper }];
  while (stack.length > 0) {
    if (nodes >= maxNodes) {
      proven = false;
      break;
    }
    const bounds = stack.pop() as Bounds;
    nodes++;
    const node = solve(bounds);
    if (!node) continue;
    if (best && node.objective >= best.objective - 1e-9 * Math.max(1, Math.abs(best.objective)))
      continue;
    let branch = -1;
    let widest = 0;
    const gaps: number[] = [];
    for (let j = 0; j < lots.length; j++) {
      const lot = lots[j] as number;
      if (lot <= 0) continue;
      const x = node.solution.colValue[j] as number;
      if (!inGap(x, lot)) continue;
      gaps.push(j);
      const inside = Math.min(x, lot - x) / lot;
      if (inside > widest) {
        widest = inside;
        branch = j;
      }
    }
    if (gaps.length > WIDE) {
      const zeros = { lower: bounds.lower, upper: Float64Array.from(bounds.upper) };
      const rounded = {
        lower: Float64Array.from(bounds.lower),
        upper: Float64Array.from(bounds.upper),
      };
      for (const j of gaps) {
        const lot = lots[j] as number;
        zeros.upper[j] = 0;
        if ((node.solution.colValue[j] as number) >= lot / 2) rounded.lower[j] = lot;
        else rounded.upper[j] = 0;
      }
      stack.push(zeros, rounded);
      continue;
    }
    if (branch < 0) {
      best = { bounds, ...node, nodes: 0, proven: true };
      continue;
    }
    const lot = lots[branch] as number;
    const zero = { lower: bounds.lower, upper: Float64Array.from(bounds.upper) };
    zero.upper[branch] = 0;
    const atLot = { lower: Float64Array.from(bounds.lower), upper: bounds.upper };
    atLot.lower[branch] = lot;
    const x = node.solution.colValue[branch] as number;
    // Depth first, the rounded side on top of the stack.
    if (x >= lot / 2) stack.push(zero, atLot);
    else stack.push(atLot, zero);
  }
  return best ? { ...best, nodes, proven } : null;
}
