import assert from "node:assert/strict";
import { test } from "node:test";
import { loadHighs } from "./highs.ts";
import { type PlanInput, PlanInputError, validatePlanInput } from "./input.ts";
import { buildAllocationModel } from "./model.ts";
import { PlanSolveError, solveAllocation } from "./solve.ts";

const highs = await loadHighs();

const close = (actual: number | undefined, expected: number, tolerance = 1e-5) =>
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= tolerance,
    `${actual} ≠ ${expected} ± ${tolerance}`,
  );

/**
 * Two bakeries send flour to a school. A is nearer (cost 1) but has labour for
 * only 8 units (8 hours, 1 hour a unit); B is farther (cost 2) and unlimited.
 */
function round(need: number, minimum = 0): PlanInput {
  return {
    coops: [{ id: "A", hours: 8 }, { id: "B" }, { id: "C" }],
    supplies: [
      { coop: "A", good: "flour", quantity: 10, hoursPerUnit: 1 },
      { coop: "B", good: "flour", quantity: 10 },
    ],
    needs: [{ coop: "C", good: "flour", quantity: need, priority: 5, minimum }],
    links: [
      { from: "A", to: "C", cost: 1 },
      { from: "B", to: "C", cost: 2, good: "flour" },
    ],
  };
}

test("labour binds: A sends 8, B the other 7; the prices are the marginal costs", () => {
  const r = solveAllocation(highs, round(15));
  const flow = (from: string) => r.flows.find((f) => f.from === from)?.quantity;
  close(flow("A"), 8);
  close(flow("B"), 7);
  close(r.objective, 8 * 1 + 7 * 2);
  assert.deepEqual(r.unmet, []);
  // One more unit needed at C comes from B: it costs 2.
  close(r.needs[0]?.price, 2);
  // One more hour at A moves one unit from B (cost 2) to A (cost 1): worth 1.
  close(r.labour[0]?.shadowPrice, 1);
  close(r.labour[0]?.used, 8);
  // Neither stock is exhausted: an extra unit of flour is worth nothing.
  close(r.supplies[0]?.shadowPrice, 0);
  close(r.supplies[1]?.shadowPrice, 0);
  assert.equal(r.solver.name, "HiGHS");
  assert.equal(r.solver.method, "ipm");
  assert.equal(r.solver.status, "optimal");
  assert.match(r.solver.version, /^1\.\d+\.\d+$/);
});

test("a need larger than what can be sent is partly unmet, priced at its priority", () => {
  const r = solveAllocation(highs, round(25));
  close(r.flows.find((f) => f.from === "A")?.quantity, 8);
  close(r.flows.find((f) => f.from === "B")?.quantity, 10);
  assert.equal(r.unmet.length, 1);
  close(r.unmet[0]?.quantity, 7);
  close(r.shortfallCost, 35);
  close(r.needs[0]?.price, 5); // one more unit needed would go unmet at 5
  close(r.supplies[1]?.shadowPrice, 3); // a unit more at B saves 5 − 2
  close(r.labour[0]?.shadowPrice, 4); // an hour more at A saves 5 − 1
  // Each flow's marginal cost equals the price where it arrives (complementary slackness).
  for (const f of r.flows) close(f.marginalCost, f.destinationPrice, 1e-4);
});

test("minimums that cannot be met are reported as infeasible, naming the needs short", () => {
  assert.throws(
    () => solveAllocation(highs, round(25, 20)),
    (e: unknown) => {
      assert.ok(e instanceof PlanSolveError);
      assert.match(e.message, /infeasible.*short: flour for C \(minimum 20, at most 18 with/);
      assert.equal(e.shortNeeds.length, 1);
      close(e.shortNeeds[0]?.delivered, 18); // 8 from A (its hours) and 10 from B
      return true;
    },
  );
  // Two minimums on one supply: the diagnosis names those two, not the need without one.
  const competing = validatePlanInput({
    coops: [{ id: "A" }, { id: "B" }, { id: "C" }, { id: "D" }],
    supplies: [{ coop: "A", good: "oil", quantity: 10 }],
    needs: [
      { coop: "B", good: "oil", quantity: 8, priority: 1, minimum: 6 },
      { coop: "C", good: "oil", quantity: 8, priority: 1, minimum: 6 },
      { coop: "D", good: "oil", quantity: 8, priority: 9 },
    ],
    links: [
      { from: "A", to: "B", cost: 1 },
      { from: "A", to: "C", cost: 1 },
      { from: "A", to: "D", cost: 1 },
    ],
  });
  assert.throws(
    () => solveAllocation(highs, competing),
    (e: unknown) => {
      assert.ok(e instanceof PlanSolveError);
      const named = e.shortNeeds.map((n) => n.coop);
      assert.ok(named.length >= 1 && named.every((c) => c === "B" || c === "C"), String(named));
      return true;
    },
  );
  // The same minimum within reach is fine.
  close(solveAllocation(highs, round(25, 18)).needs[0]?.delivered, 18);
});

test("a general link carries every good its ends supply and need; a specific one overrides it", () => {
  const input = validatePlanInput({
    coops: [{ id: "A" }, { id: "B" }],
    supplies: [
      { coop: "A", good: "x", quantity: 5 },
      { coop: "A", good: "y", quantity: 5 },
      { coop: "A", good: "z", quantity: 5 },
    ],
    needs: [
      { coop: "B", good: "x", quantity: 1, priority: 1 },
      { coop: "B", good: "y", quantity: 1, priority: 1 },
    ],
    links: [
      { from: "A", to: "B", cost: 0.5 },
      { from: "A", to: "B", cost: 0.25, good: "y" },
    ],
  });
  const model = buildAllocationModel(input);
  const flows = model.flows.map((f) => `${f.good}:${f.cost}`).sort();
  assert.deepEqual(flows, ["x:0.5", "y:0.25"]);
  assert.equal(model.numCols, 4); // 2 flows + 2 shortfalls
  // CSC invariants: starts ascend and end at the number of entries.
  assert.equal(model.starts[model.numCols], model.indices.length);
  for (let j = 0; j < model.numCols; j++)
    assert.ok((model.starts[j] ?? 0) <= (model.starts[j + 1] ?? 0));
});

test("malformed input names the field", () => {
  const bad = (raw: unknown, pattern: RegExp) =>
    assert.throws(
      () => validatePlanInput(raw),
      (e: unknown) => e instanceof PlanInputError && e.issues.some((i) => pattern.test(i)),
    );
  const good = round(15) as { supplies: object[]; needs: object[]; links: object[] };
  bad(
    { ...good, supplies: [{ coop: "A", good: "flour", quantity: -1 }] },
    /^supplies\[0\]\.quantity: /,
  );
  bad({ ...good, links: [{ from: "A", to: "Z", cost: 1 }] }, /^links\[0\]\.to: unknown co-op "Z"/);
  bad(
    { ...good, needs: [{ coop: "C", good: "flour", quantity: 1, priority: 0 }] },
    /^needs\[0\]\.priority/,
  );
  bad(
    { ...good, needs: [{ coop: "C", good: "f", quantity: 1, priority: 1, minimum: 2 }] },
    /^needs\[0\]\.minimum: 2 exceeds/,
  );
  bad(
    { ...good, supplies: [...good.supplies, good.supplies[0]] },
    /^supplies\[2\]: duplicate supply/,
  );
  bad({ ...good, links: [{ from: "A", to: "C", cost: 1, cots: 2 }] }, /^links\[0\]: .*cots/);
  bad({ coops: [], supplies: [], needs: [], links: [] }, /^coops: /);
  bad("nonsense", /^\(root\): /);
});
