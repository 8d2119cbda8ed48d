/** What a PB ballot may hold: approval bounds and spending cap, cumulative points, hostile input. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type BallotRules,
  choicesFromForm,
  MAX_CHOICE_KEYS,
  validateChoices,
} from "./ballot-rules.ts";

const projects = [
  { id: "a", cost: 300 },
  { id: "b", cost: 500 },
  { id: "c", cost: 700 },
];
const approval: BallotRules = {
  kind: "approval",
  minProjects: null,
  maxProjects: null,
  spendingCap: false,
  points: null,
  budget: 1000,
};
const cumulative: BallotRules = { ...approval, kind: "cumulative", points: 10 };

test("approval: picks are kept in ballot order, unticked ones dropped", () => {
  assert.deepEqual(validateChoices(approval, projects, { c: 1, a: true, b: false }), {
    ok: true,
    value: { a: 1, c: 1 },
  });
});

test("approval: minimum, maximum and the spending cap", () => {
  const bounded = { ...approval, minProjects: 2, maxProjects: 2 };
  assert.deepEqual(validateChoices(bounded, projects, { a: 1 }), {
    ok: false,
    reason: "too-few-projects",
  });
  assert.deepEqual(validateChoices(bounded, projects, { a: 1, b: 1, c: 1 }), {
    ok: false,
    reason: "too-many-projects",
  });
  assert.ok(validateChoices(bounded, projects, { a: 1, b: 1 }).ok);
  const capped = { ...approval, spendingCap: true };
  assert.ok(validateChoices(capped, projects, { a: 1, c: 1 }).ok, "300 + 700 = the budget exactly");
  assert.deepEqual(validateChoices(capped, projects, { b: 1, c: 1 }), {
    ok: false,
    reason: "over-budget",
  });
  assert.ok(
    validateChoices(approval, projects, { b: 1, c: 1 }).ok,
    "no cap: over the budget is fine",
  );
});

test("approval: empty, unknown projects, odd values and shapes are refused", () => {
  for (const [raw, reason] of [
    [{}, "empty-ballot"],
    [{ a: 0 }, "empty-ballot"],
    [{ z: 1 }, "unknown-project"],
    [{ a: 2 }, "choices-invalid"],
    [{ a: "1" }, "choices-invalid"],
    [null, "choices-invalid"],
    [["a"], "choices-invalid"],
    ["a", "choices-invalid"],
    [JSON.parse('{"__proto__": 1}'), "unknown-project"],
    [JSON.parse('{"constructor": 1}'), "unknown-project"],
  ] as const)
    assert.deepEqual(
      validateChoices(approval, projects, raw),
      { ok: false, reason },
      JSON.stringify(raw),
    );
  const many = Object.fromEntries(
    Array.from({ length: MAX_CHOICE_KEYS + 1 }, (_, i) => [`x${i}`, 1]),
  );
  assert.deepEqual(validateChoices(approval, projects, many), {
    ok: false,
    reason: "choices-invalid",
  });
});

test("cumulative: whole points up to the total", () => {
  assert.deepEqual(validateChoices(cumulative, projects, { a: 4, b: 6, c: 0 }), {
    ok: true,
    value: { a: 4, b: 6 },
  });
  assert.deepEqual(validateChoices(cumulative, projects, { a: 4, b: 7 }), {
    ok: false,
    reason: "too-many-points",
  });
  for (const v of [-1, 1.5, "3", Number.NaN, 1e9, true])
    assert.deepEqual(validateChoices(cumulative, projects, { a: v }), {
      ok: false,
      reason: "points-invalid",
    });
  assert.deepEqual(validateChoices(cumulative, projects, { a: 0 }), {
    ok: false,
    reason: "empty-ballot",
  });
});

test("forms: ticked boxes and points fields become raw choices", () => {
  assert.deepEqual(choicesFromForm("approval", { project: ["a", "c"], _csrf: "x" }), {
    a: 1,
    c: 1,
  });
  assert.deepEqual(choicesFromForm("approval", { project: "b" }), { b: 1 });
  assert.deepEqual(choicesFromForm("approval", {}), {});
  assert.deepEqual(
    choicesFromForm("cumulative", { "points.a": "3", "points.b": "", "points.c": "x" }),
    {
      a: 3,
      b: 0,
      c: "x",
    },
  );
  const proto = choicesFromForm("approval", { project: ["__proto__"] });
  assert.equal(Object.getPrototypeOf(proto), Object.prototype, "no prototype was set");
  assert.deepEqual(validateChoices(approval, projects, proto), {
    ok: false,
    reason: "unknown-project",
  });
});
