/** The `synco economy` commands, run as a user would (bin/synco, fixtures). */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";

const root = join(import.meta.dirname, "../../..");
const synco = (...args: string[]) =>
  spawnSync(join(root, "bin/synco"), ["economy", ...args], { encoding: "utf8", cwd: root });
const fixture = (path: string) => join(import.meta.dirname, "..", path);

test("detect --json prints the alarm times", () => {
  const r = synco("detect", fixture("indicators/fixtures/step-at-40.csv"), "--json");
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [40]);
  const details = synco("detect", fixture("indicators/fixtures/step-at-40.csv"), "--details");
  const steps = JSON.parse(details.stdout);
  assert.equal(steps.length, 60);
  assert.deepEqual(Object.keys(steps[0]).sort(), [
    "alarm",
    "current",
    "forecast",
    "lower",
    "previous",
    "scale",
    "t",
    "upper",
    "value",
  ]);
});

test("plan --json prints flows, unmet needs, prices and the solver", () => {
  const r = synco("plan", fixture("planning/fixtures/bakeries.json"), "--json");
  assert.equal(r.status, 0, r.stderr);
  const plan = JSON.parse(r.stdout);
  assert.equal(plan.solver.name, "HiGHS");
  assert.equal(plan.solver.status, "optimal");
  assert.equal(plan.unmet.length, 1);
  assert.ok(Math.abs(plan.unmet[0].quantity - 7) < 1e-6);
  assert.ok(Math.abs(plan.needs[0].price - 5) < 1e-6);
});

test("help, bad input and usage errors", () => {
  for (const args of [["--help"], ["detect", "--help"], ["plan", "--help"]]) {
    const r = synco(...args);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: synco economy/);
  }
  const missing = synco("plan", "/nonexistent.json");
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read \/nonexistent\.json/);
  const bad = synco("plan", fixture("indicators/fixtures/step-at-40.csv"));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /not valid JSON/);
  const wrongOption = synco("detect", "--frobnicate");
  assert.equal(wrongOption.status, 2);
});
