import assert from "node:assert/strict";
import { test } from "node:test";
import {
  chiSquareCritical,
  chiSquareGoodnessOfFit,
  chiSquareSurvival,
  gammaQ,
  logGamma,
  wilsonHilfertyCritical,
} from "./stats.ts";

const close = (a: number, b: number, relative: number) =>
  assert.ok(Math.abs(a - b) <= relative * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test("logGamma matches factorials and Γ(1/2) = √π", () => {
  let factorial = 1;
  for (let n = 1; n <= 25; n++) {
    close(logGamma(n), Math.log(factorial), 1e-13);
    factorial *= n;
  }
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-13);
  assert.throws(() => logGamma(0));
});

test("Q(1, x) = e^{−x} and Q(n, x) = e^{−x}·Σ_{k<n} x^k/k! (both branches)", () => {
  for (const x of [0.1, 1, 3, 10, 40]) {
    close(gammaQ(1, x), Math.exp(-x), 1e-12);
    let sum = 0;
    let term = 1;
    for (let k = 0; k < 5; k++) {
      sum += term;
      term *= x / (k + 1);
    }
    close(gammaQ(5, x), Math.exp(-x) * sum, 1e-11);
  }
  assert.equal(gammaQ(3, 0), 1);
  assert.throws(() => gammaQ(-1, 1));
});

test("chi-square critical values match published tables", () => {
  // NIST/SEMATECH e-Handbook, Table 1.3.6.7.4 (upper-tail critical values).
  close(chiSquareCritical(0.05, 1), 3.841, 2e-4);
  close(chiSquareCritical(0.01, 10), 23.209, 1e-4);
  close(chiSquareCritical(0.001, 30), 59.703, 1e-4);
  close(chiSquareCritical(0.05, 100), 124.342, 1e-4);
  // df = 2: survival e^{−x/2}, so the critical value is exactly −2·log p.
  close(chiSquareCritical(1e-4, 2), -2 * Math.log(1e-4), 1e-9);
  close(chiSquareSurvival(chiSquareCritical(1e-4, 37), 37), 1e-4, 1e-8);
});

test("Wilson–Hilferty agrees with the exact quantile for large df", () => {
  const z = 3.719016485455709; // standard normal upper 1e-4 point
  for (const df of [40, 100, 500])
    close(wilsonHilfertyCritical(z, df), chiSquareCritical(1e-4, df), 5e-3);
});

test("goodness of fit accepts the right pmf and rejects a wrong one", () => {
  // Exact expected counts of a geometric(1/2) on k ≥ 0 give χ² ≈ 0.
  const pmf = (k: number) => (k >= 0 ? 0.5 ** (k + 1) : 0);
  const n = 2 ** 16;
  const counts = new Map<number, number>();
  for (let k = 0; k < 16; k++) counts.set(k, n * 0.5 ** (k + 1));
  counts.set(16, n * 0.5 ** 16); // the tail beyond 15
  const fit = chiSquareGoodnessOfFit(counts, pmf, { low: 0, high: 60 }, { minExpected: 5 });
  assert.ok(fit.statistic < 1e-6, `${fit.statistic}`);
  const wrong = chiSquareGoodnessOfFit(counts, (k) => (k >= 0 ? 0.4 * 0.6 ** k : 0), {
    low: 0,
    high: 60,
  });
  assert.ok(wrong.pValue < 1e-10);
  assert.throws(() => chiSquareGoodnessOfFit(new Map(), pmf, { low: 0, high: 5 }), /no samples/);
});
