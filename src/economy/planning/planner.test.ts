import assert from "node:assert/strict";
import { test } from "node:test";
import { PlanInputError, PlanSolveError, planAllocation } from "./planner.ts";

const round = {
  coops: [{ id: "A", hours: 8 }, { id: "B" }, { id: "C" }],
  supplies: [
    { coop: "A", good: "flour", quantity: 10, hoursPerUnit: 1 },
    { coop: "B", good: "flour", quantity: 10 },
  ],
  needs: [{ coop: "C", good: "flour", quantity: 15, priority: 5 }],
  links: [
    { from: "A", to: "C", cost: 1 },
    { from: "B", to: "C", cost: 2 },
  ],
};

// The bench measures the event loop's responsiveness during a large solve.
test("a round solved in a worker thread gives the same plan as by hand", async () => {
  const result = await planAllocation(round);
  assert.ok(Math.abs(result.objective - (8 * 1 + 7 * 2)) < 1e-6);
  assert.equal(result.solver.status, "optimal");
});

test("errors come back from the worker with their kind and details", async () => {
  await assert.rejects(
    planAllocation({ ...round, links: [{ from: "A", to: "D", cost: 1 }] }),
    (e: unknown) =>
      e instanceof PlanInputError &&
      e.issues[0] === 'links[0].to: unknown co-op "D" (not in coops)',
  );
  await assert.rejects(
    planAllocation({
      ...round,
      needs: [{ coop: "C", good: "flour", quantity: 30, priority: 5, minimum: 19 }],
    }),
    (e: unknown) =>
      e instanceof PlanSolveError &&
      e.status === "infeasible" &&
      e.shortNeeds.length === 1 &&
      e.shortNeeds[0]?.coop === "C",
  );
});
