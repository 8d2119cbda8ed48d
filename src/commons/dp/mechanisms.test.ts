import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { toNumber } from "../../kernel/rational.ts";
import { BudgetExceededError, PrivacyFilter, zcdpToEpsilon } from "./accounting.ts";
import { boundedMean, boundedSum, count, histogram } from "./mechanisms.ts";
import { calibrate } from "./noise.ts";
import { seededByteSource } from "./random.ts";
import { parseCsv, tableFromColumns } from "./table.ts";

const pums = parseCsv(readFileSync(new URL("fixtures/PUMS_pid.csv", import.meta.url), "utf8"));
const incomes = pums.column("income").map(Number);
const trueMean = incomes.reduce((a, b) => a + b, 0) / incomes.length;

/** The draws a seeded stream gives a calibrated sampler: what the mechanism must have added. */
function draws(seed: string, ...plan: [ReturnType<typeof calibrate>, number][]): bigint[] {
  const source = seededByteSource(seed);
  return plan.flatMap(([noise, n]) =>
    Array.from({ length: n }, () => noise.sampler.sample(source)),
  );
}

const people = tableFromColumns({
  pid: ["a", "a", "b", "c", "c", "c", "d"],
  city: ["Lyon", "Metz", "Lyon", "Lyon", "Lyon", "Nice", "Brest"],
  age: ["30", "30", "200", "41.6", "41.6", "41.6", "x"],
});

test("count adds one draw of noise calibrated to k to the bounded count", () => {
  for (const kind of ["gauss", "laplace"] as const) {
    const release = count(
      people,
      { unit: "pid", maxRowsPerUnit: 2, rho: 0.5, noise: kind },
      seededByteSource("c"),
    );
    const noise = calibrate(kind, 2, 0.5);
    const [z = 0n] = draws("c", [noise, 1]);
    assert.equal(release.estimates[0]?.value, 6 + Number(z)); // a:2, b:1, c:2 of 3, d:1
    assert.equal(release.rho, noise.rho);
    assert.ok(release.rho <= 0.5 && release.rho > 0.499);
    assert.equal(release.epsilon, zcdpToEpsilon(release.rho, 1e-6));
    // Laplace noise is pure ε-DP with ε = Δ/b; the Gaussian has no pure ε.
    assert.equal(release.pureEpsilon, kind === "laplace" ? 2 / toNumber(noise.scale) : undefined);
  }
});

test("a histogram reports every public key, zeros included, and drops other keys", () => {
  const keys = ["Lyon", "Metz", "Paris"];
  const release = histogram(people, "city", keys, { rho: 1 }, seededByteSource("h"));
  const z = draws("h", [calibrate("gauss", 1, 1), 3]).map(Number);
  assert.deepEqual(
    release.estimates.map((e) => [e.key, e.value]),
    [
      ["Lyon", 4 + (z[0] ?? 0)],
      ["Metz", 1 + (z[1] ?? 0)],
      ["Paris", 0 + (z[2] ?? 0)],
    ],
  );
  for (const e of release.estimates)
    assert.ok(e.ci.low <= Math.max(0, e.value) && e.value <= e.ci.high);
});

test("bounded sum clamps on the grid and scales noise to k·max|bound|", () => {
  const options = { column: "age", lower: "0", upper: "100", grid: "0.5", unit: "pid", rho: 0.2 };
  const release = boundedSum(people, options, seededByteSource("s"));
  // Grid units: 30→60, 30→60 (a keeps 1 row: 60), 200→clamped 200, 41.6→83 (c keeps one), x dropped.
  const noise = calibrate("gauss", 200, 0.2);
  const [z = 0n] = draws("s", [noise, 1]);
  assert.equal(release.estimates[0]?.value, (60 + 200 + 83 + Number(z)) * 0.5);
  assert.equal(release.noise[0]?.sensitivity, 200);
});

test("bounded mean: shifted sum and count, each with half the budget", () => {
  const options = {
    column: "age",
    lower: "0",
    upper: "100",
    by: "city",
    keys: ["Lyon", "Nice"],
    rho: 2,
  };
  const release = boundedMean(people, options, seededByteSource("m"));
  const sumNoise = calibrate("gauss", 50, 1);
  const countNoise = calibrate("gauss", 1, 1);
  const [s0 = 0n, s1 = 0n, c0 = 0n, c1 = 0n] = draws("m", [sumNoise, 2], [countNoise, 2]);
  // Lyon: 30, 100 (clamped), 42, 42 → Σ(x − 50) = 14 over 4; Nice: 42 → −8 over 1.
  const expect = (s: number, n: number) => Math.min(100, Math.max(0, 50 + s / Math.max(n, 1)));
  assert.equal(release.estimates[0]?.value, expect(14 + Number(s0), 4 + Number(c0)));
  assert.equal(release.estimates[1]?.value, expect(-8 + Number(s1), 1 + Number(c1)));
  assert.equal(release.rho, sumNoise.rho + countNoise.rho);
});

test("the filter refuses before any noise is drawn", () => {
  const filter = new PrivacyFilter(0.25);
  const source = seededByteSource("f");
  count(people, { rho: 0.2, filter }, source);
  const before = seededByteSource("f");
  count(people, { rho: 0.2 }, before); // the same single draw, so both streams are now aligned
  assert.throws(() => count(people, { rho: 0.2, filter }, source), BudgetExceededError);
  assert.equal(source.nextByte(), before.nextByte());
  assert.ok(filter.spent < 0.2);
});

test("bad options are refused with a clear message", () => {
  const s = seededByteSource(1);
  assert.throws(() => count(people, { rho: 0 }, s), /ρ must be > 0/);
  assert.throws(() => count(people, { rho: 1, maxRowsPerUnit: 2 }, s), /needs a unit/);
  assert.throws(() => count(people, { rho: 1, by: "city" }, s), /both/);
  assert.throws(() => count(people, { rho: 1, by: "city", keys: ["a", "a"] }, s), /duplicate/);
  assert.throws(() => count(people, { rho: 1, confidence: 1 }, s), /confidence/);
  assert.throws(
    () => boundedMean(people, { column: "age", lower: "5", upper: "1", rho: 1 }, s),
    /no grid point/,
  );
});

test("count intervals cover the exact count at least at their level", () => {
  let covered = 0;
  const runs = 400;
  for (let i = 0; i < runs; i++) {
    const { ci } = count(
      pums,
      { rho: 0.05, noise: i % 2 ? "laplace" : "gauss" },
      seededByteSource(`cov${i}`),
    ).estimates[0] ?? {
      ci: { low: 0, high: 0 },
    };
    if (ci.low <= 1000 && 1000 <= ci.high) covered++;
  }
  // Exact half-widths: coverage 0.95 on average; 0.92 is 3 standard deviations below.
  assert.ok(covered / runs >= 0.92, `${covered}/${runs}`);
});

test("PUMS: the 95 % interval covers the true mean income in ≥ 90 % of 200 seeded runs", () => {
  for (const noise of ["gauss", "laplace"] as const) {
    let covered = 0;
    let width = 0;
    for (let i = 0; i < 200; i++) {
      const options = {
        column: "income",
        lower: "0",
        upper: "500000",
        unit: "pid",
        rho: 0.1,
        noise,
      };
      const estimate = boundedMean(pums, options, seededByteSource(`pums-${noise}-${i}`))
        .estimates[0];
      assert.ok(estimate);
      if (estimate.ci.low <= trueMean && trueMean <= estimate.ci.high) covered++;
      width += (estimate.ci.high - estimate.ci.low) / 200;
    }
    assert.ok(covered >= 180, `${noise}: ${covered}/200`);
    // And informative: the average interval is narrower than half the mean.
    assert.ok(width < trueMean / 2, `${noise}: width ${width}`);
  }
});

test("noise scales are rational and never below what the budget requires", () => {
  for (const rho of [0.001, 0.1, 3]) {
    const noise = calibrate("gauss", 7, rho);
    assert.ok(toNumber(noise.scale) >= 7 / Math.sqrt(2 * rho));
    assert.ok(noise.rho <= rho);
  }
});
