/**
 * Combining member nodes' releases of one federation question (no database).
 *
 * Each node adds its own independent integer noise to its own exact answer, so
 * the sum of the released values is the exact federation-wide answer plus the
 * sum of the nodes' noises. The combined interval is the smallest integer a with
 * P[|N₁ + … + Nₙ| > a] ≤ 1 − level, computed from the exact convolution of the
 * nodes' discrete pmfs (each pmf truncated where its tail is below 10⁻¹³, the
 * truncated mass counted as outside the interval, so it stays conservative).
 * When the convolution would be too large (wide noise in fine fixed-point
 * units), a Chernoff bound on the sum's moment generating function is used
 * instead — valid for any mix of discrete Gaussian (σ-subgaussian, Canonne,
 * Kamath & Steinke 2020) and discrete Laplace noise, and slightly wider. Which
 * one was used is part of the combined release (`method`).
 *
 * Only linear answers combine this way: counts, histograms and sums (grouped or
 * not). A mean or a quantile is not a sum of per-node answers.
 */
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { parseRational, toNumber } from "../../kernel/rational.ts";
import { discreteGaussianPmf, discreteLaplacePmf } from "../dp/pmf.ts";

/** The mechanisms whose per-node answers add up to the federation's answer. */
export const FEDERATED_MECHANISMS = ["count", "histogram", "sum"] as const;
export type FederatedMechanism = (typeof FEDERATED_MECHANISMS)[number];

export interface PartNoise {
  kind: string;
  /** Exact scale, as in a release: an integer or "num/den". */
  scale: string;
  /** "1", or "1/10" when the noise is in tenths of the field's unit (a sum over a decimal field). */
  units: string;
}

/** What combining needs from one node's release. */
export interface PartAnswer {
  estimates: readonly { key: string | null; value: number }[];
  /** The noise of the answer itself (not of the clipped-units count). */
  noise: PartNoise;
}

export interface CombinedEstimate {
  key: string | null;
  value: number;
  low: number;
  high: number;
  level: number;
  of: "value";
}

export interface Combined {
  estimates: CombinedEstimate[];
  /** The half-width in the noise's units, and how it was found. */
  halfWidth: number;
  method: "convolution" | "chernoff-bound";
}

/** Above this many multiply-adds the exact convolution gives way to the bound. */
const MAX_CONVOLUTION_WORK = 120_000_000;
/** Each pmf is cut where the tail beyond is below this. */
const TAIL = 1e-13;

const stepOf = (units: string) => toNumber(parseRational(units));

/** The support half-width of a noise's truncated pmf. */
function supportOf(kind: string, scale: number): number {
  if (kind === "gauss") return Math.ceil(scale * Math.sqrt(2 * Math.log(2 / TAIL))) + 1;
  return Math.ceil(scale * Math.log(2 / TAIL)) + 1;
}

function pmfArray(kind: string, scale: number): Float64Array {
  const t = supportOf(kind, scale);
  const pmf = kind === "gauss" ? discreteGaussianPmf(scale) : discreteLaplacePmf(scale);
  const out = new Float64Array(2 * t + 1);
  for (let k = -t; k <= t; k++) out[k + t] = pmf(k);
  return out;
}

function convolve(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length - 1);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (x === 0) continue;
    for (let j = 0; j < b.length; j++) out[i + j] = (out[i + j] as number) + x * (b[j] as number);
  }
  return out;
}

/** Smallest a with P[|S| > a] ≤ beta for the symmetric pmf centred in `pmf`. */
function halfWidthOfPmf(pmf: Float64Array, beta: number): number {
  const t = (pmf.length - 1) / 2;
  let inside = pmf[t] as number;
  let a = 0;
  // Mass cut off by truncation is counted as outside: the interval only widens.
  while (1 - inside > beta && a < t) {
    a++;
    inside += (pmf[t + a] as number) + (pmf[t - a] as number);
  }
  return a;
}

/** log E[e^{tY}] for one noise, |t| below the Laplace's limit 1/b. */
function logMgf(kind: string, scale: number, t: number): number {
  if (kind === "gauss") return (scale * scale * t * t) / 2;
  // Discrete Laplace with q = e^{−1/b}: E[e^{tY}] = (1−q)² / ((1−q e^t)(1−q e^{−t})).
  const q = Math.exp(-1 / scale);
  return 2 * Math.log1p(-q) - Math.log1p(-q * Math.exp(t)) - Math.log1p(-q * Math.exp(-t));
}

/**
 * P[|S| ≥ a] ≤ 2·min_t exp(−t·a + Σ log M_i(t)) (Chernoff, both tails by
 * symmetry). Smallest integer a with the bound ≤ beta, by bisection on a and a
 * grid search on t.
 */
function chernoffHalfWidth(noises: readonly { kind: string; scale: number }[], beta: number) {
  const tMax = Math.min(
    ...noises.map((n) => (n.kind === "gauss" ? Number.POSITIVE_INFINITY : 1 / n.scale)),
  );
  const sigma = Math.sqrt(
    noises.reduce((s, n) => s + (n.kind === "gauss" ? n.scale ** 2 : 2 * n.scale ** 2 + 1), 0),
  );
  // The exponent is convex in t (a log-MGF is convex), so a ternary search finds its minimum.
  const bound = (a: number) => {
    const exponent = (t: number) =>
      -t * a + noises.reduce((s, n) => s + logMgf(n.kind, n.scale, t), 0);
    let lo = 0;
    let hi = Math.min(
      Number.isFinite(tMax) ? tMax * 0.999999 : Infinity,
      (4 * a) / (sigma * sigma),
    );
    for (let i = 0; i < 200; i++) {
      const m1 = lo + (hi - lo) / 3;
      const m2 = hi - (hi - lo) / 3;
      if (exponent(m1) < exponent(m2)) hi = m2;
      else lo = m1;
    }
    return Math.log(2) + Math.min(0, exponent((lo + hi) / 2));
  };
  const target = Math.log(beta);
  let hi = Math.max(1, Math.ceil(sigma));
  while (bound(hi) > target) hi *= 2;
  let lo = 0;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (bound(mid) > target) lo = mid;
    else hi = mid;
  }
  // P[|S| ≥ hi] ≤ beta, so P[|S| > hi − 1] ≤ beta: a = hi − 1 would do; keep hi (never narrower).
  return hi;
}

/** Half-widths depend only on public scales: the last few are kept (a repeated question is free). */
const memo = new Map<string, { halfWidth: number; method: Combined["method"] }>();

/** The half-width of the sum of independent noises at this level, exact where affordable. */
export function combinedHalfWidth(
  noises: readonly { kind: string; scale: number }[],
  level: number,
): { halfWidth: number; method: Combined["method"] } {
  const key = `${level} ${noises.map((n) => `${n.kind}:${n.scale}`).join(" ")}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const found = computeHalfWidth(noises, level);
  if (memo.size >= 64) memo.delete(memo.keys().next().value as string);
  memo.set(key, found);
  return found;
}

function computeHalfWidth(
  noises: readonly { kind: string; scale: number }[],
  level: number,
): { halfWidth: number; method: Combined["method"] } {
  const beta = 1 - level;
  if (noises.length === 0) return { halfWidth: 0, method: "convolution" };
  const sizes = noises.map((n) => 2 * supportOf(n.kind, n.scale) + 1);
  let work = 0;
  let width = sizes[0] as number;
  for (const s of sizes.slice(1)) {
    work += width * s;
    width += s - 1;
  }
  if (work > MAX_CONVOLUTION_WORK)
    return { halfWidth: chernoffHalfWidth(noises, beta), method: "chernoff-bound" };
  let pmf = pmfArray(noises[0]?.kind ?? "gauss", noises[0]?.scale ?? 1);
  for (const n of noises.slice(1)) pmf = convolve(pmf, pmfArray(n.kind, n.scale));
  return { halfWidth: halfWidthOfPmf(pmf, beta), method: "convolution" };
}

/**
 * Sums the parts key by key and puts the interval of the summed noise around
 * each total. Every part must answer the same keys in the same order, with its
 * noise in the same units (they all answered one canonical question).
 */
export function combineParts(
  mechanism: FederatedMechanism,
  parts: readonly PartAnswer[],
  level: number,
): Result<Combined, string> {
  const first = parts[0];
  if (!first) return fail("no part answered");
  const keys = first.estimates.map((e) => e.key);
  for (const p of parts) {
    if (p.estimates.length !== keys.length || p.estimates.some((e, i) => e.key !== keys[i]))
      return fail("the parts answer different keys");
    if (p.noise.units !== first.noise.units) return fail("the parts' noise is in different units");
    if (p.noise.kind !== "gauss" && p.noise.kind !== "laplace")
      return fail(`unknown noise kind ${p.noise.kind}`);
  }
  const noises = parts.map((p) => ({
    kind: p.noise.kind,
    scale: toNumber(parseRational(p.noise.scale)),
  }));
  if (noises.some((n) => !(n.scale > 0) || !Number.isFinite(n.scale)))
    return fail("a part's noise scale is not positive");
  const { halfWidth, method } = combinedHalfWidth(noises, level);
  const step = stepOf(first.noise.units);
  const scale = (x: number) => (step === 1 ? x : Number((x * step).toPrecision(15)));
  const estimates = keys.map((key, i) => {
    // Values are in the field's units; add them in noise units (integers) to stay exact.
    const units = parts.reduce((s, p) => s + Math.round((p.estimates[i]?.value ?? 0) / step), 0);
    const low = units - halfWidth;
    return {
      key,
      value: scale(units),
      low: mechanism === "sum" ? scale(low) : Math.max(0, low),
      high: scale(units + halfWidth),
      level,
      of: "value" as const,
    };
  });
  return ok({ estimates, halfWidth, method });
}
