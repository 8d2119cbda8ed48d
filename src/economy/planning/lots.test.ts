import assert from "node:assert/strict";
import { test } from "node:test";
import { loadHighs } from "./highs.ts";
import type { PlanInput } from "./input.ts";
import { PlanSolveError, solveAllocation } from "./solve.ts";

const highs = await loadHighs();

const close = (actual: number | undefined, expected: number, tolerance = 1e-5) =>
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= tolerance,
    `${actual} ≠ ${expected} ± ${tolerance}`,
  );

/** A (cost 1 to C, 2 to D, lots of `lot`) and B (cost 3) send flour to C and D, 5 each. */
function twoNeeds(lot: number, aQuantity = 8): PlanInput {
  return {
    coops: [{ id: "A" }, { id: "B" }, { id: "C" }, { id: "D" }],
    supplies: [
      { coop: "A", good: "flour", quantity: aQuantity, minimumLot: lot },
      { coop: "B", good: "flour", quantity: 20 },
    ],
    needs: [
      { coop: "C", good: "flour", quantity: 5, priority: 50 },
      { coop: "D", good: "flour", quantity: 5, priority: 50 },
    ],
    links: [
      { from: "A", to: "C", cost: 1 },
      { from: "A", to: "D", cost: 2 },
      { from: "B", to: "C", cost: 3 },
      { from: "B", to: "D", cost: 3 },
    ],
  };
}

const inGap = (x: number, lot: number) => x > 1e-6 && x < lot - 1e-6;

test("without a lot A's 8 are split 5 + 3; with lots of 4 every flow from A is 0 or ≥ 4, at the least cost", () => {
  const free = solveAllocation(highs, twoNeeds(0));
  // A sends 5 to C and 3 to D, B the other 2 to D: 5 + 6 + 6.
  close(free.objective, 17);
  assert.ok(inGap(free.flows.find((f) => f.from === "A" && f.to === "D")?.quantity ?? 0, 4));
  assert.equal(free.solver.lots, undefined, "no lots: one LP, as before");
  const r = solveAllocation(highs, twoNeeds(4));
  for (const f of r.flows.filter((f) => f.from === "A"))
    assert.ok(!inGap(f.quantity, 4), `${f.quantity}`);
  // 4 + 4 from A and 1 + 1 from B (4 + 8 + 3 + 3 = 18) beats 5 from A to C and 5 from B (20).
  close(r.objective, 18);
  close(r.flows.find((f) => f.from === "A" && f.to === "C")?.quantity, 4);
  close(r.flows.find((f) => f.from === "A" && f.to === "D")?.quantity, 4);
  assert.equal(r.status, "optimal");
  assert.equal(r.solver.status, "optimal");
  assert.equal(r.solver.lots?.proven, true);
  assert.ok((r.solver.lots?.nodes ?? 0) >= 2);
  // The same input gives the same plan.
  assert.deepEqual(solveAllocation(highs, twoNeeds(4)).flows, r.flows);
});

test("a lot larger than any need's share sends nothing from that offer", () => {
  const r = solveAllocation(highs, twoNeeds(6));
  // A cannot send 6 to either (each needs 5): everything comes from B.
  assert.equal(r.flows.filter((f) => f.from === "A").length, 0);
  close(r.objective, 30);
  // Its supply row no longer binds: a unit more of A's flour is worth nothing.
  close(r.supplies[0]?.used, 0);
});

test("a lot that labour hours cannot reach: the offer gives way to a dearer one", () => {
  const input: PlanInput = {
    coops: [{ id: "A", hours: 5 }, { id: "B" }, { id: "C" }],
    supplies: [
      { coop: "A", good: "flour", quantity: 10, hoursPerUnit: 1, minimumLot: 6 },
      { coop: "B", good: "flour", quantity: 10 },
    ],
    needs: [{ coop: "C", good: "flour", quantity: 10, priority: 50 }],
    links: [
      { from: "A", to: "C", cost: 1 },
      { from: "B", to: "C", cost: 2 },
    ],
  };
  const r = solveAllocation(highs, input);
  assert.equal(r.flows.filter((f) => f.from === "A").length, 0);
  close(r.flows.find((f) => f.from === "B")?.quantity, 10);
  close(r.labour[0]?.used, 0);
});

test("needs' minimums that only lots stand in the way of: infeasible, saying so", () => {
  const input: PlanInput = {
    coops: [{ id: "A" }, { id: "C" }],
    supplies: [{ coop: "A", good: "flour", quantity: 10, minimumLot: 6 }],
    needs: [{ coop: "C", good: "flour", quantity: 4, priority: 5, minimum: 3 }],
    links: [{ from: "A", to: "C", cost: 1 }],
  };
  assert.throws(
    () => solveAllocation(highs, input),
    (e: unknown) => e instanceof PlanSolveError && /lots/.test(e.message),
  );
});

test("many flows in their gaps at once are rounded together: a plan in a few LPs, not one per flow", () => {
  const n = 12;
  const input: PlanInput = { coops: [{ id: "B" }], supplies: [], needs: [], links: [] };
  for (let i = 0; i < n; i++) {
    input.coops.push({ id: `A${i}` }, { id: `C${i}` }, { id: `D${i}` });
    input.supplies.push({ coop: `A${i}`, good: "flour", quantity: 6, minimumLot: 4 });
    input.needs.push(
      { coop: `C${i}`, good: "flour", quantity: 5, priority: 50 },
      { coop: `D${i}`, good: "flour", quantity: 5, priority: 50 },
    );
    input.links.push(
      { from: `A${i}`, to: `C${i}`, cost: 1 },
      { from: `A${i}`, to: `D${i}`, cost: 2 },
      { from: "B", to: `C${i}`, cost: 3 },
      { from: "B", to: `D${i}`, cost: 3 },
    );
  }
  input.supplies.push({ coop: "B", good: "flour", quantity: 1000 });
  const r = solveAllocation(highs, input);
  for (const f of r.flows.filter((f) => f.from !== "B"))
    assert.ok(!inGap(f.quantity, 4), `${f.quantity}`);
  assert.ok((r.solver.lots?.nodes ?? 99) <= 3, `${r.solver.lots?.nodes} LPs`);
  // Each A sends its 5 to C; B the 5 each D needs.
  close(r.objective, n * (5 + 15));
});
