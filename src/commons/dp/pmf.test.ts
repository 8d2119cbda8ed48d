import assert from "node:assert/strict";
import { test } from "node:test";
import {
  discreteGaussianHalfWidth,
  discreteGaussianPmf,
  discreteLaplaceHalfWidth,
  discreteLaplacePmf,
} from "./pmf.ts";

function total(pmf: (k: number) => number, reach: number): number {
  let sum = 0;
  for (let k = -reach; k <= reach; k++) sum += pmf(k);
  return sum;
}

test("pmfs sum to one, across the Poisson-summation switch at σ = 3", () => {
  for (const sigma of [0.3, 1, 2.99, 3, 3.01, 50]) {
    assert.ok(
      Math.abs(total(discreteGaussianPmf(sigma), Math.ceil(40 * sigma) + 5) - 1) < 1e-12,
      `σ=${sigma}`,
    );
  }
  for (const b of [0.2, 1, 7.5, 300]) {
    assert.ok(Math.abs(total(discreteLaplacePmf(b), Math.ceil(60 * b) + 5) - 1) < 1e-12, `b=${b}`);
  }
});

test("half-widths are the smallest integers whose tails are within β", () => {
  const tail = (pmf: (k: number) => number, a: number) => 1 - total(pmf, a);
  for (const scale of [0.5, 2, 40]) {
    for (const beta of [0.05, 0.001]) {
      const g = discreteGaussianHalfWidth(scale, beta);
      const gp = discreteGaussianPmf(scale);
      assert.ok(
        tail(gp, g) <= beta && (g === 0 || tail(gp, g - 1) > beta),
        `gauss ${scale} ${beta}`,
      );
      const l = discreteLaplaceHalfWidth(scale, beta);
      const lp = discreteLaplacePmf(scale);
      assert.ok(
        tail(lp, l) <= beta + 1e-15 && (l === 0 || tail(lp, l - 1) > beta),
        `laplace ${scale} ${beta}`,
      );
    }
  }
});

test("above σ = 10^4 the Gaussian half-width is the (wider) subgaussian bound", () => {
  const a = discreteGaussianHalfWidth(2e4, 0.05);
  assert.ok(a >= 1.96 * 2e4 && a <= 2.8 * 2e4, `${a}`);
  assert.throws(() => discreteGaussianHalfWidth(1, 0), /beta/);
  assert.throws(() => discreteLaplacePmf(0));
});
