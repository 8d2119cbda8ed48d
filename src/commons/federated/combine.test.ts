/**
 * Combining member nodes' releases: over 200 seeded runs, each node's engine
 * answers its own rows with its own seeded noise (as a member node does), the
 * parts are combined, and the combined interval must hold the sum of the true
 * per-node answers in at least 95 % of runs. A control shows the check can
 * fail: one node's interval around the total covers far less.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { toNumber } from "../../kernel/rational.ts";
import { parseRational, runQuery, seededByteSource, tableFromColumns } from "../dp/index.ts";
import { discreteGaussianHalfWidth } from "../dp/pmf.ts";
import { combinedHalfWidth, combineParts, type PartAnswer } from "./combine.ts";

/** A node's rows: units u0…, hours on a 0.1 grid (in tenths), sectors. */
function nodeTable(node: string, n: number, seed: number) {
  const unit: string[] = [];
  const hours: string[] = [];
  const sector: string[] = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    unit.push(`${node}-${i}`);
    hours.push(String(x % 401));
    sector.push(["care", "food", "repair"][x % 3] as string);
  }
  return { table: tableFromColumns({ unit, hours, sector }), hours, sector };
}

const nodes = [nodeTable("a", 37, 7), nodeTable("b", 58, 11)];
const truth = {
  count: nodes.reduce((s, n) => s + n.hours.length, 0),
  sum: nodes.reduce((s, n) => s + n.hours.reduce((t, h) => t + Number(h), 0), 0) / 10,
  histogram: ["care", "food", "repair"].map((k) =>
    nodes.reduce((s, n) => s + n.sector.filter((v) => v === k).length, 0),
  ),
};

/** One node's part, as its release carries it (a sum's values in hours, its noise in tenths). */
function part(
  mechanism: "count" | "sum" | "histogram",
  node: (typeof nodes)[number],
  seed: string,
  noise: "gauss" | "laplace",
): PartAnswer {
  const spec =
    mechanism === "count"
      ? { mechanism, unit: "unit", rho: 0.225, noise }
      : mechanism === "histogram"
        ? {
            mechanism,
            column: "sector",
            keys: ["care", "food", "repair"],
            unit: "unit",
            rho: 0.225,
            noise,
          }
        : {
            mechanism,
            column: "hours",
            lower: "0",
            upper: "400",
            grid: "1",
            unit: "unit",
            rho: 0.225,
            noise,
          };
  const r = runQuery(node.table, spec, seededByteSource(seed));
  const step = mechanism === "sum" ? 0.1 : 1;
  const n = r.noise[0];
  assert.ok(n);
  return {
    estimates: r.estimates.map((e) => ({ key: e.key ?? null, value: e.value * step })),
    noise: { kind: n.kind, scale: n.scale, units: mechanism === "sum" ? "1/10" : "1" },
  };
}

for (const noise of ["gauss", "laplace"] as const)
  for (const mechanism of ["count", "sum", "histogram"] as const)
    test(`${mechanism} (${noise}): the combined interval holds the true total in ≥ 95 % of 200 seeded runs`, () => {
      let covered = 0;
      let naive = 0;
      let cells = 0;
      for (let run = 0; run < 200; run++) {
        const parts = nodes.map((n, i) =>
          part(mechanism, n, `${mechanism}-${noise}-${run}-${i}`, noise),
        );
        const combined = combineParts(mechanism, parts, 0.95);
        assert.ok(combined.ok, combined.ok ? "" : combined.reason);
        const totals =
          mechanism === "histogram"
            ? truth.histogram
            : [mechanism === "count" ? truth.count : truth.sum];
        // The control: one node's own half-width around the total (the wrong interval).
        const step = mechanism === "sum" ? 0.1 : 1;
        const first = parts[0] as PartAnswer;
        const single =
          combinedHalfWidth(
            [{ kind: first.noise.kind, scale: toNumber(parseRational(first.noise.scale)) }],
            0.95,
          ).halfWidth * step;
        combined.value.estimates.forEach((e, i) => {
          const t = totals[i] as number;
          cells++;
          if (e.low - 1e-9 <= t && t <= e.high + 1e-9) covered++;
          if (Math.abs(e.value - t) <= single + 1e-9) naive++;
        });
      }
      assert.ok(covered >= 0.95 * cells, `covered ${covered} of ${cells}`);
      if (noise === "gauss")
        assert.ok(naive < 0.95 * cells, `a one-node interval covered ${naive} of ${cells}`);
    });

test("one part: the convolution gives the single release's own half-width", () => {
  for (const sigma of [0.7, 1.5, 12, 300])
    assert.equal(
      combinedHalfWidth([{ kind: "gauss", scale: sigma }], 0.95).halfWidth,
      discreteGaussianHalfWidth(sigma, 0.05),
    );
});

test("wide noise over ten nodes uses the Chernoff bound: never narrower than the exact normal quantile", () => {
  const noises = Array.from({ length: 10 }, () => ({ kind: "gauss", scale: 5000 }));
  const { halfWidth, method } = combinedHalfWidth(noises, 0.95);
  assert.equal(method, "chernoff-bound");
  const normal = 1.96 * 5000 * Math.sqrt(10);
  assert.ok(halfWidth >= normal, `${halfWidth} < ${normal}`);
  assert.ok(halfWidth <= Math.ceil(5000 * Math.sqrt(10) * Math.sqrt(2 * Math.log(2 / 0.05))) + 1);
  const mixed = combinedHalfWidth(
    [
      { kind: "laplace", scale: 4000 },
      { kind: "gauss", scale: 6000 },
      ...Array.from({ length: 8 }, () => ({ kind: "laplace", scale: 3000 })),
    ],
    0.95,
  );
  assert.equal(mixed.method, "chernoff-bound");
  // Each discrete Laplace has variance ≈ 2b²: the bound is at least the normal approximation's.
  const sd = Math.sqrt(4000 ** 2 * 2 + 6000 ** 2 + 8 * 2 * 3000 ** 2);
  assert.ok(mixed.halfWidth >= 1.96 * sd);
});

test("parts that answer different keys or units are refused", () => {
  const a: PartAnswer = {
    estimates: [{ key: "x", value: 3 }],
    noise: { kind: "gauss", scale: "2", units: "1" },
  };
  assert.equal(
    combineParts("count", [a, { ...a, estimates: [{ key: "y", value: 1 }] }], 0.95).ok,
    false,
  );
  assert.equal(
    combineParts("count", [a, { ...a, noise: { ...a.noise, units: "1/10" } }], 0.95).ok,
    false,
  );
  assert.equal(
    combineParts("count", [a, { ...a, noise: { ...a.noise, kind: "uniform" } }], 0.95).ok,
    false,
  );
  assert.equal(combineParts("count", [], 0.95).ok, false);
});
