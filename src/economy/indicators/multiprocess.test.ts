import assert from "node:assert/strict";
import { test } from "node:test";
import {
  defaultModelParameters,
  type FilterState,
  initialState,
  type ModelParameters,
  step,
  studentQuantile,
} from "./multiprocess.ts";

const close = (actual: number, expected: number, tolerance = 1e-6) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} ≠ ${expected} ± ${tolerance}`);

/** Only the steady regime is possible: the mixture reduces to one Kalman filter. */
const steadyOnly: ModelParameters = {
  ...defaultModelParameters,
  prior: { steady: 1, step: 0, slope: 0, transient: 0 },
  varianceDiscount: 1,
};

test("a steady-only step is the Kalman update of the linear growth model, by hand", () => {
  const state = initialState(
    {
      level: 10,
      slope: 1,
      levelVariance: 1,
      slopeVariance: 0.25,
      variance: 2,
      degreesOfFreedom: 4,
    },
    steadyOnly,
  );
  const { state: next, output } = step(state, 12, steadyOnly);
  // By hand: G C G' = [[1.25, .25], [.25, .25]]; R = that + W = [[1.27, .25], [.25, .2502]];
  // Q = 1.27 + 1 = 2.27 (in units of S = 2); a = (11, 1); e = 1; A = (1.27, .25) / 2.27.
  const c = next.components[0];
  assert.ok(c);
  close(output.forecast, 11);
  close(c.level, 11.559471);
  close(c.slope, 1.110132);
  close(c.c00, 0.559471); // 1.27 − 1.27²/2.27
  close(c.c01, 0.110132); // .25 − 1.27·.25/2.27
  close(c.c11, 0.222667); // .2502 − .25²/2.27
  // Variance: d = n·S + S·e²/(S·Q) = 8 + 1/2.27 = 8.440529 over n + 1 = 5.
  close(c.variance, 1.688106);
  close(next.degreesOfFreedom, 5);
  // Interval: t₄ quantile 2.776 × √(2 · 2.27) = 2.776 × 2.130728.
  close(output.upper - output.forecast, 2.776445 * 2.130728, 0.03);
  close(output.current.steady, 1);
});

test("Student t quantiles match the tables", () => {
  const z = 1.959963984540054;
  close(studentQuantile(z, 1), 12.706, 0.001);
  close(studentQuantile(z, 2), 4.303, 0.001);
  close(studentQuantile(z, 10), 2.228, 0.01);
  close(studentQuantile(z, 30), 2.042, 0.005);
  close(studentQuantile(z, 1e9), z, 1e-6);
});

function run(values: number[]) {
  let state: FilterState = initialState(
    {
      level: 100,
      slope: 0,
      levelVariance: 0.1,
      slopeVariance: 0.01,
      variance: 1,
      degreesOfFreedom: 20,
    },
    defaultModelParameters,
  );
  const outputs = [];
  for (const y of values) {
    const r = step(state, y, defaultModelParameters);
    state = r.state;
    outputs.push(r.output);
  }
  return outputs;
}

// A fixed, noise-like pattern with standard deviation near 1.
const wiggle = [0.3, -0.8, 1.1, -0.2, 0.6, -1.3, 0.4, 0.9, -0.5, -0.1];
const flat = Array.from({ length: 30 }, (_, i) => 100 + (wiggle[i % wiggle.length] as number));

test("one outlier is a transient once the next value is back to normal", () => {
  const outputs = run([...flat, 112, 100.2, 99.7]);
  const atSpike = outputs[30];
  const after = outputs[31];
  assert.ok(atSpike && after);
  // At the spike a step and a transient explain it equally well: both likely.
  assert.ok(atSpike.current.steady < 0.05, `steady ${atSpike.current.steady}`);
  assert.ok(after.previous.transient > 0.9, `transient one step back ${after.previous.transient}`);
  assert.ok(after.current.steady > 0.9);
  for (const o of outputs) {
    close(
      Object.values(o.current).reduce((a, b) => a + b, 0),
      1,
      1e-9,
    );
    close(
      Object.values(o.previous).reduce((a, b) => a + b, 0),
      1,
      1e-9,
    );
  }
});

test("a lasting jump is a step change, seen one step back", () => {
  const outputs = run([...flat, 112, 112.3, 111.6, 112.2]);
  const after = outputs[31];
  assert.ok(after);
  assert.ok(after.previous.step > 0.9, `step one step back ${after.previous.step}`);
  // The forecast follows the new level within two steps.
  close(outputs[33]?.forecast ?? 0, 112, 1);
});

test("step does not modify the state it is given", () => {
  const state = initialState(
    { level: 1, slope: 0, levelVariance: 1, slopeVariance: 1, variance: 1, degreesOfFreedom: 3 },
    defaultModelParameters,
  );
  const copy = structuredClone(state);
  step(state, 5, defaultModelParameters);
  assert.deepEqual(state, copy);
});
