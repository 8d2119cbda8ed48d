import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { PrivacyFilter } from "./accounting.ts";
import { parseCandidates, quantile } from "./quantile.ts";
import { seededByteSource } from "./random.ts";
import { chiSquareCritical } from "./stats.ts";
import { parseCsv, tableFromColumns } from "./table.ts";

const tens = tableFromColumns({ x: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"] });

/** Permute-and-flip's exact output law, by enumerating every visiting order. */
function permuteAndFlipLaw(accept: number[]): number[] {
  const law = accept.map(() => 0);
  const orders: number[][] = [];
  const permute = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) orders.push(prefix);
    rest.forEach(
      (r, i) =>
        void permute(
          [...prefix, r],
          rest.filter((_, j) => j !== i),
        ),
    );
  };
  permute(
    [],
    accept.map((_, i) => i),
  );
  for (const order of orders) {
    let reach = 1 / orders.length;
    for (const r of order) {
      law[r] = (law[r] ?? 0) + reach * (accept[r] ?? 0);
      reach *= 1 - (accept[r] ?? 0);
    }
  }
  return law;
}

function chiSquare(observed: number[], law: number[], n: number): number {
  return observed.reduce((s, o, i) => s + (o - n * (law[i] ?? 0)) ** 2 / (n * (law[i] ?? 0)), 0);
}

test("outputs follow permute-and-flip's exact law (and not the exponential mechanism's)", () => {
  // ρ = 0.02 → ε = 0.2; median utilities of 2, 5, 8 over 1…10 are −3, 0, −3 and Δ = 1/2,
  // so the flips succeed with exp(ε·(u − u*)/(2Δ)) = e^{−0.6}, 1, e^{−0.6}.
  const candidates = [2, 5, 8];
  const accept = [Math.exp(-0.6), 1, Math.exp(-0.6)];
  const n = 20_000;
  const observed = [0, 0, 0];
  const source = seededByteSource("pf");
  for (let i = 0; i < n; i++) {
    const value = quantile(tens, { column: "x", quantile: "0.5", candidates, rho: 0.02 }, source)
      .estimates[0]?.value;
    const index = candidates.indexOf(value ?? Number.NaN);
    observed[index] = (observed[index] ?? 0) + 1;
  }
  const critical = chiSquareCritical(1e-4, 2);
  assert.ok(chiSquare(observed, permuteAndFlipLaw(accept), n) < critical, `${observed}`);
  const weights = accept.reduce((a, b) => a + b, 0);
  const exponential = accept.map((w) => w / weights);
  assert.ok(
    chiSquare(observed, exponential, n) > critical,
    "indistinguishable from the exponential mechanism",
  );
});

test("with a large budget it finds the PUMS median on a fine grid", () => {
  const pums = parseCsv(readFileSync(new URL("fixtures/PUMS_pid.csv", import.meta.url), "utf8"));
  const incomes = pums.column("income").map(Number);
  const candidates = parseCandidates("0:100000:100");
  const release = quantile(
    pums,
    { column: "income", quantile: "0.5", candidates, unit: "pid", rho: 8 },
    seededByteSource("m"),
  );
  const value = release.estimates[0]?.value ?? Number.NaN;
  const rank = incomes.filter((x) => x <= value).length;
  const bestGap = Math.min(
    ...candidates.map((c) => Math.abs(incomes.filter((x) => x <= c).length - 500)),
  );
  const ci = release.estimates[0]?.ci;
  assert.equal(ci?.of, "rank-gap");
  assert.ok(Math.abs(rank - 500) <= bestGap + (ci?.high ?? 0), `value ${value}, rank ${rank}`);
  assert.ok(release.rho <= 8 && release.epsilon > 0);
});

test("extreme quantiles and a single candidate", () => {
  const run = (q: string, candidates: number[]) =>
    quantile(tens, { column: "x", quantile: q, candidates, rho: 50 }, seededByteSource(q))
      .estimates[0]?.value;
  assert.equal(run("0", [0.5, 5, 9.5]), 0.5);
  assert.equal(run("1", [0.5, 5, 10]), 10);
  assert.equal(run("0.5", [7]), 7);
});

test("candidates parse from ranges and lists; bad input is refused", () => {
  assert.deepEqual(parseCandidates("0:1:0.25"), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(parseCandidates("3, 1,2"), [3, 1, 2]);
  assert.throws(() => parseCandidates("1:0:1"), /lower:upper:step/);
  assert.throws(() => parseCandidates("0:1:0"), /lower:upper:step/);
  assert.throws(() => parseCandidates("a,b"), /bad candidates/);
  assert.throws(() => parseCandidates("0:1e7:1"), /1,000,000/);
  const s = seededByteSource(1);
  assert.throws(
    () => quantile(tens, { column: "x", quantile: "1.5", candidates: [1], rho: 1 }, s),
    /\[0, 1\]/,
  );
  assert.throws(
    () => quantile(tens, { column: "x", quantile: "0.5", candidates: [], rho: 1 }, s),
    /no candidates/,
  );
  assert.throws(
    () => quantile(tens, { column: "x", quantile: "0.5", candidates: [1], rho: 0 }, s),
    /ρ/,
  );
  const filter = new PrivacyFilter(0.01);
  assert.throws(
    () => quantile(tens, { column: "x", quantile: "0.5", candidates: [1], rho: 1, filter }, s),
    /needs ρ/,
  );
});
