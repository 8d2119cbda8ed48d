import assert from "node:assert/strict";
import { test } from "node:test";
import {
  BudgetExceededError,
  compose,
  gaussianRho,
  laplaceEpsilon,
  PrivacyFilter,
  privacyCost,
  pureToRho,
  rhoForEpsilon,
  tightBoundAt,
  zcdpToEpsilon,
  zcdpToEpsilonSimple,
} from "./accounting.ts";
import { gammaQ } from "./stats.ts";

/** Φ(x) from erfc(t) = Q(1/2, t²) (our own incomplete gamma). */
function normalCdf(x: number): number {
  const tail = 0.5 * gammaQ(0.5, (x * x) / 2);
  return x >= 0 ? 1 - tail : tail;
}

/** The exact δ(ε) of the Gaussian mechanism with μ = Δ/σ (Balle & Wang, ICML 2018, Thm. 8). */
function gaussianDelta(mu: number, epsilon: number): number {
  return normalCdf(mu / 2 - epsilon / mu) - Math.exp(epsilon) * normalCdf(-mu / 2 - epsilon / mu);
}

test("mechanism costs: Δ²/(2σ²), Δ/b, ε²/2, and composition adds", () => {
  assert.equal(gaussianRho(1, 1), 0.5);
  assert.equal(gaussianRho(3, 6), 0.125);
  assert.equal(laplaceEpsilon(2, 4), 0.5);
  assert.equal(pureToRho(0.5), 0.125);
  assert.equal(compose(0.1, 0.25, 0.125), 0.475);
  assert.throws(() => gaussianRho(1, 0));
  assert.throws(() => compose(0.1, -1), /bad ρ/);
  assert.throws(() => pureToRho(-1));
});

test("the tight conversion is never above the simple bound, and is the minimum over α", () => {
  for (const rho of [1e-4, 0.01, 0.1, 0.5, 1, 5, 50]) {
    for (const delta of [1e-6, 1e-9, 1e-3]) {
      const tight = zcdpToEpsilon(rho, delta);
      assert.ok(tight <= zcdpToEpsilonSimple(rho, delta), `ρ=${rho} δ=${delta}`);
      // A brute-force scan over α never does better than the minimiser (to 1e-9).
      let scan = Number.POSITIVE_INFINITY;
      for (let u = -15; u <= 25; u += 0.001)
        scan = Math.min(scan, tightBoundAt(rho, delta, 1 + Math.exp(u)));
      assert.ok(tight <= scan + 1e-9, `ρ=${rho} δ=${delta}: ${tight} > ${scan}`);
    }
  }
  assert.equal(zcdpToEpsilon(0), 0);
  assert.throws(() => zcdpToEpsilon(-1), /bad ρ/);
  assert.throws(() => zcdpToEpsilon(1, 0), /δ/);
});

test("the conversion is valid yet close for the Gaussian mechanism, whose exact curve is known", () => {
  for (const rho of [0.01, 0.1, 0.5, 2]) {
    const mu = Math.sqrt(2 * rho);
    const epsilon = zcdpToEpsilon(rho, 1e-6);
    // Valid: at the converted ε the Gaussian's true δ is within 1e-6 …
    assert.ok(gaussianDelta(mu, epsilon) <= 1e-6, `ρ=${rho}`);
    // … and not wasteful: 10 % less ε would be too little for the Gaussian itself.
    assert.ok(gaussianDelta(mu, epsilon * 0.9) > 1e-6, `ρ=${rho}`);
  }
});

test("rhoForEpsilon inverts the conversion", () => {
  for (const epsilon of [0.1, 1, 3, 10]) {
    const rho = rhoForEpsilon(epsilon);
    assert.ok(zcdpToEpsilon(rho) <= epsilon);
    assert.ok(zcdpToEpsilon(rho * 1.0001) > epsilon);
  }
  assert.throws(() => rhoForEpsilon(0));
  const cost = privacyCost(0.5);
  assert.deepEqual(cost, { rho: 0.5, epsilon: zcdpToEpsilon(0.5, 1e-6), delta: 1e-6 });
});

test("the filter admits releases within the budget and refuses the one beyond", () => {
  const filter = new PrivacyFilter(0.3);
  filter.spend(0.1, "a");
  filter.spend(0.2, "b"); // 0.1 + 0.2 > 0.3 in floating point; the slack admits it
  assert.ok(Math.abs(filter.remaining) < 1e-12);
  assert.throws(() => filter.spend(0.001, "c"), BudgetExceededError);
  assert.equal(filter.entries.length, 2);
  const resumed = new PrivacyFilter(1, 0.9);
  assert.equal(resumed.canSpend(0.1), true);
  assert.equal(resumed.canSpend(0.11), false);
  assert.throws(() => resumed.spend(0.2), /needs ρ = 0.2/);
  assert.equal(resumed.spent, 0.9);
  assert.throws(() => new PrivacyFilter(0), /budget/);
  assert.throws(() => resumed.spend(Number.NaN), /bad ρ/);
});
