import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseRational, rat, toNumber } from "../../kernel/rational.ts";
import { discreteGaussianPmf, discreteLaplacePmf } from "./pmf.ts";
import { type ByteSource, seededByteSource } from "./random.ts";
import {
  bernoulli,
  bernoulliExpNeg,
  discreteGaussian,
  discreteLaplace,
  type IntegerSampler,
} from "./samplers.ts";
import { chiSquareCritical, chiSquareGoodnessOfFit } from "./stats.ts";

const FALSE_ALARM = 1e-4;

function draw(sampler: IntegerSampler, n: number, source: ByteSource): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const y = Number(sampler.sample(source));
    counts.set(y, (counts.get(y) ?? 0) + 1);
  }
  return counts;
}

/** Rejects at p < 1e-4; the critical value comes from our own chi-square quantile. */
function fits(counts: Map<number, number>, pmf: (k: number) => number, reach: number): boolean {
  const fit = chiSquareGoodnessOfFit(counts, pmf, { low: -reach, high: reach });
  return fit.statistic < chiSquareCritical(FALSE_ALARM, fit.df);
}

/** Binomial test of k successes in n at p: |k − np| within 4.5 standard deviations (p ≈ 7e−6). */
function plausible(k: number, n: number, p: number): boolean {
  return Math.abs(k - n * p) <= 4.5 * Math.sqrt(n * p * (1 - p));
}

describe("Bernoulli samplers", () => {
  test("Bernoulli(p) for rational p matches p", () => {
    const source = seededByteSource("bernoulli");
    for (const p of [rat(1n, 3n), rat(7n, 10n), rat(1n, 1000n), rat(123456789n, 10n ** 20n + 7n)]) {
      const n = 200_000;
      let k = 0;
      for (let i = 0; i < n; i++) if (bernoulli(source, p)) k++;
      assert.ok(plausible(k, n, toNumber(p)), `p=${toNumber(p)}: ${k}/${n}`);
    }
  });

  test("Bernoulli(0) never and Bernoulli(1) always succeed", () => {
    const source = seededByteSource(1);
    for (let i = 0; i < 1000; i++) {
      assert.equal(bernoulli(source, rat(0n, 5n)), false);
      assert.equal(bernoulli(source, rat(5n, 5n)), true);
    }
  });

  test("Bernoulli(exp(−x)) matches exp(−x) below, at and above 1", () => {
    const source = seededByteSource("exp");
    for (const x of ["0", "0.25", "1", "1.5", "3.7", "20/3"]) {
      const r = parseRational(x);
      const n = 200_000;
      let k = 0;
      for (let i = 0; i < n; i++) if (bernoulliExpNeg(source, r)) k++;
      assert.ok(plausible(k, n, Math.exp(-toNumber(r))), `x=${x}: ${k}/${n}`);
    }
  });

  test("a wrong probability is detected (the binomial check can fail)", () => {
    const source = seededByteSource("control");
    let k = 0;
    for (let i = 0; i < 200_000; i++) if (bernoulliExpNeg(source, rat(1n, 2n))) k++;
    assert.equal(plausible(k, 200_000, Math.exp(-0.5) * 1.03), false);
  });

  test("bad probabilities are refused", () => {
    const source = seededByteSource(1);
    assert.throws(() => bernoulli(source, rat(3n, 2n)), /\[0, 1\]/);
    assert.throws(() => bernoulli(source, rat(-1n, 2n)), /\[0, 1\]/);
    assert.throws(() => bernoulliExpNeg(source, rat(-1n, 2n)), /≥ 0/);
    assert.throws(() => discreteGaussian(rat(0n)), /> 0/);
    assert.throws(() => discreteLaplace(rat(-2n)), /> 0/);
  });
});

describe("discrete Gaussian and Laplace: chi-square against the exact pmf", () => {
  const gaussScales = ["0.8", "3.5", "40", "1000"];
  for (const scale of gaussScales) {
    test(`discrete Gaussian σ = ${scale}, with a 3 % wrong-scale control`, () => {
      const sigma = toNumber(parseRational(scale));
      const counts = draw(
        discreteGaussian(parseRational(scale)),
        100_000,
        seededByteSource(`g${scale}`),
      );
      const reach = Math.ceil(12 * sigma) + 5;
      assert.ok(fits(counts, discreteGaussianPmf(sigma), reach), "right scale rejected");
      assert.equal(
        fits(counts, discreteGaussianPmf(sigma * 1.03), reach),
        false,
        "3 % off accepted",
      );
    });
  }

  const laplaceScales = ["0.7", "2.5", "40", "1000"];
  for (const scale of laplaceScales) {
    test(`discrete Laplace b = ${scale}, with a 3 % wrong-scale control`, () => {
      const b = toNumber(parseRational(scale));
      // Scale is harder to see in a Laplace than in a Gaussian: twice the samples.
      const counts = draw(
        discreteLaplace(parseRational(scale)),
        200_000,
        seededByteSource(`l${scale}`),
      );
      const reach = Math.ceil(40 * b) + 5;
      assert.ok(fits(counts, discreteLaplacePmf(b), reach), "right scale rejected");
      assert.equal(fits(counts, discreteLaplacePmf(b * 1.03), reach), false, "3 % off accepted");
    });
  }
});

describe("fast Number paths agree with the BigInt reference", () => {
  const cases: [string, "gauss" | "laplace"][] = [
    ["0.5", "gauss"],
    ["7/3", "gauss"],
    ["1000", "gauss"],
    ["4000", "gauss"],
    ["0.3", "laplace"],
    ["1000.5", "laplace"],
  ];
  for (const [scale, kind] of cases) {
    test(`${kind} ${scale}: same bytes, same samples`, () => {
      const make = kind === "gauss" ? discreteGaussian : discreteLaplace;
      const fast = make(parseRational(scale));
      const reference = make(parseRational(scale), { bigintOnly: true });
      const a = seededByteSource(scale);
      const b = seededByteSource(scale);
      for (let i = 0; i < 3000; i++) assert.equal(fast.sample(a), reference.sample(b));
    });
  }

  test("huge scales fall back to BigInt and stay centred", () => {
    const sampler = discreteGaussian(parseRational("1e12"));
    const source = seededByteSource("huge");
    let sum = 0;
    const n = 400;
    for (let i = 0; i < n; i++) sum += Number(sampler.sample(source));
    // The mean of n draws has standard deviation 1e12/√n = 5e10; allow 5 of them.
    assert.ok(Math.abs(sum / n) < 5 * 5e10, `mean ${sum / n}`);
  });
});

describe("seeded byte source", () => {
  test("is reproducible and seed-dependent", () => {
    const sampler = discreteGaussian(parseRational("10"));
    const run = (seed: string) => {
      const source = seededByteSource(seed);
      return Array.from({ length: 50 }, () => sampler.sample(source));
    };
    assert.deepEqual(run("a"), run("a"));
    assert.notDeepEqual(run("a"), run("b"));
  });
});
