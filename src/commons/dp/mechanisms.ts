/**
 * Count, bounded sum, bounded mean and histograms, optionally grouped by a
 * column over public keys (every key is released, zeros included, and rows
 * with other keys are dropped, so the set of outputs reveals nothing).
 *
 * Privacy unit: each unit keeps at most k rows (contribution bounding), so
 * adding or removing a unit moves a vector of counts by at most k in L1 and L2
 * (all k rows in one group is the worst case), and a vector of sums of values
 * clamped to [L, U] by at most k·max(|L|, |U|). One draw of integer noise per
 * group then costs ρ once for the whole vector.
 */

import { type Rational, toNumber } from "../../kernel/rational.ts";
import { type PrivacyCost, type PrivacyFilter, privacyCost } from "./accounting.ts";
import { addNoise, type CalibratedNoise, calibrate, halfWidth, type NoiseKind } from "./noise.ts";
import type { ByteSource } from "./random.ts";
import { boundContributions, type Grid, gridValues, makeGrid, type Table } from "./table.ts";

export interface Interval {
  readonly low: number;
  readonly high: number;
  /** The probability (over the noise) that the interval holds the exact answer. */
  readonly level: number;
  /**
   * "value" (default): bounds on the exact answer. "rank-gap" (quantiles): with
   * that probability, the released candidate's rank error |#{x ≤ c} − q·n|
   * exceeds the best candidate's by at most `high` rows.
   */
  readonly of?: "value" | "rank-gap";
}

export interface Estimate {
  /** The group's key, for grouped queries and histograms. */
  readonly key?: string;
  readonly value: number;
  readonly ci: Interval;
}

export interface Release extends PrivacyCost {
  readonly mechanism: string;
  /** For Laplace noise and permute-and-flip: the pure ε-DP guarantee (δ = 0) as well. */
  readonly pureEpsilon?: number;
  readonly estimates: readonly Estimate[];
  /** The noise drawn: kind, exact scale (as "num/den" or an integer) and sensitivity. */
  readonly noise: readonly {
    kind: NoiseKind | "permute-and-flip";
    scale: string;
    sensitivity: number;
  }[];
}

export interface AggregateOptions {
  /** Privacy unit column; without it each row is a unit. */
  readonly unit?: string;
  /** k, rows kept per unit (default 1). */
  readonly maxRowsPerUnit?: number;
  /** Group by this column over the public `keys`. */
  readonly by?: string;
  readonly keys?: readonly string[];
  readonly noise?: NoiseKind;
  /** The ρ this release may spend. */
  readonly rho: number;
  /** Confidence level of the intervals (default 0.95). */
  readonly confidence?: number;
  /** Spends the release's ρ before any noise is drawn, or refuses. */
  readonly filter?: PrivacyFilter;
}

export interface ValueOptions extends AggregateOptions {
  readonly column: string;
  /** Public clamping bounds and the fixed-point step (default "1"), as decimal strings. */
  readonly lower: string;
  readonly upper: string;
  readonly grid?: string;
}

export function formatRational(r: Rational): string {
  return r.d === 1n ? r.n.toString() : `${r.n}/${r.d}`;
}

/** ρ, ε at δ, and for Laplace noise the pure ε too (the sum of Δ/b). */
function costOf(...noises: CalibratedNoise[]): PrivacyCost & { pureEpsilon?: number } {
  const cost = privacyCost(noises.reduce((sum, n) => sum + n.rho, 0));
  if (noises.some((n) => n.kind !== "laplace")) return cost;
  return {
    ...cost,
    pureEpsilon: noises.reduce((sum, n) => sum + n.sensitivity / toNumber(n.scale), 0),
  };
}

function describe(noise: CalibratedNoise) {
  return { kind: noise.kind, scale: formatRational(noise.scale), sensitivity: noise.sensitivity };
}

function checkCommon(options: AggregateOptions): { k: number; level: number; kind: NoiseKind } {
  const level = options.confidence ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence must be in (0, 1), got ${level}`);
  const k = options.maxRowsPerUnit ?? 1;
  if (options.unit === undefined && k !== 1)
    throw new RangeError("max rows per unit needs a unit column");
  if ((options.by === undefined) !== (options.keys === undefined)) {
    throw new RangeError("grouping needs both a column (by) and its public keys");
  }
  if (options.keys && new Set(options.keys).size !== options.keys.length)
    throw new RangeError("duplicate keys");
  if (options.keys?.length === 0) throw new RangeError("no keys");
  return { k, level, kind: options.noise ?? "gauss" };
}

/** Each kept row's group index (−1: key not public, row dropped), and the group labels. */
function groupsOf(table: Table, rows: Uint32Array, options: AggregateOptions) {
  const group = new Int32Array(rows.length);
  if (options.by === undefined || options.keys === undefined) return { group, keys: [undefined] };
  const index = new Map(options.keys.map((key, i) => [key, i]));
  const typed = table.typed?.(options.by);
  if (typed && "codes" in typed) {
    // Each label's group, looked up once; a code outside the labels is a blank cell.
    const groupOf = Int32Array.from(typed.labels, (label) => index.get(label) ?? -1);
    const blank = index.get("") ?? -1;
    const codes = typed.codes;
    for (let i = 0; i < rows.length; i++) group[i] = groupOf[codes[rows[i] ?? 0] ?? -1] ?? blank;
    return { group, keys: [...options.keys] };
  }
  const column = table.column(options.by);
  for (let i = 0; i < rows.length; i++) group[i] = index.get(column[rows[i] ?? 0] ?? "") ?? -1;
  return { group, keys: [...options.keys] };
}

function spend(options: AggregateOptions, rho: number, label: string): void {
  options.filter?.spend(rho, label);
}

/** Number of rows (after contribution bounding), per group if grouped. */
export function count(table: Table, options: AggregateOptions, source: ByteSource): Release {
  const { k, level, kind } = checkCommon(options);
  const rows = boundContributions(table, options.unit, k);
  const { group, keys } = groupsOf(table, rows, options);
  const counts = new Array<number>(keys.length).fill(0);
  for (const g of group) if (g >= 0) counts[g] = (counts[g] ?? 0) + 1;
  const noise = calibrate(kind, k, options.rho);
  spend(options, noise.rho, options.by ? "histogram" : "count");
  const noisy = addNoise(counts.map(BigInt), noise, source);
  const a = halfWidth(noise, 1 - level);
  const estimates = keys.map((key, i) => {
    const value = Number(noisy[i] ?? 0n);
    return { key, value, ci: { low: Math.max(0, value - a), high: value + a, level } };
  });
  return {
    mechanism: options.by ? "histogram" : "count",
    estimates,
    noise: [describe(noise)],
    ...costOf(noise),
  };
}

/** A histogram: counts over the public keys of a column, zeros included. */
export function histogram(
  table: Table,
  column: string,
  keys: readonly string[],
  options: Omit<AggregateOptions, "by" | "keys">,
  source: ByteSource,
): Release {
  return count(table, { ...options, by: column, keys }, source);
}

interface Prepared {
  grid: Grid;
  step: number;
  group: Int32Array;
  keys: (string | undefined)[];
  values: Float64Array;
}

function prepareValues(table: Table, options: ValueOptions, k: number): Prepared {
  const grid = makeGrid(options.grid ?? "1", options.lower, options.upper);
  const kept = boundContributions(table, options.unit, k);
  const { values, rows } = gridValues(table, options.column, kept, grid);
  const { group, keys } = groupsOf(table, rows, options);
  return { grid, step: toNumber(grid.step), group, keys, values };
}

/** Per-group sums of (value − shift), exact: Numbers while provably below 2^53, else BigInt. */
function groupSums(p: Prepared, shift: number): bigint[] {
  const bound = Math.max(Math.abs(p.grid.lower - shift), Math.abs(p.grid.upper - shift));
  if (bound * p.values.length <= Number.MAX_SAFE_INTEGER) {
    const sums = new Array<number>(p.keys.length).fill(0);
    for (let i = 0; i < p.values.length; i++) {
      const g = p.group[i] ?? -1;
      if (g >= 0) sums[g] = (sums[g] ?? 0) + (p.values[i] ?? 0) - shift;
    }
    return sums.map(BigInt);
  }
  const sums = new Array<bigint>(p.keys.length).fill(0n);
  for (let i = 0; i < p.values.length; i++) {
    const g = p.group[i] ?? -1;
    if (g >= 0) sums[g] = (sums[g] ?? 0n) + BigInt((p.values[i] ?? 0) - shift);
  }
  return sums;
}

function groupCounts(p: Prepared): bigint[] {
  const counts = new Array<number>(p.keys.length).fill(0);
  for (const g of p.group) if (g >= 0) counts[g] = (counts[g] ?? 0) + 1;
  return counts.map(BigInt);
}

/** Sum of values clamped to [lower, upper] on the grid, per group if grouped. */
export function boundedSum(table: Table, options: ValueOptions, source: ByteSource): Release {
  const { k, level, kind } = checkCommon(options);
  const p = prepareValues(table, options, k);
  const sensitivity = k * Math.max(Math.abs(p.grid.lower), Math.abs(p.grid.upper), 1);
  const noise = calibrate(kind, sensitivity, options.rho);
  spend(options, noise.rho, "sum");
  const noisy = addNoise(groupSums(p, 0), noise, source);
  const a = halfWidth(noise, 1 - level);
  const estimates = p.keys.map((key, i) => {
    const s = Number(noisy[i] ?? 0n);
    return { key, value: s * p.step, ci: { low: (s - a) * p.step, high: (s + a) * p.step, level } };
  });
  return { mechanism: "sum", estimates, noise: [describe(noise)], ...costOf(noise) };
}

/**
 * Mean of clamped values = shift + (noisy Σ(x − shift)) / (noisy count), with the
 * shift at the middle of the bounds so the sum's sensitivity is only half the
 * range; ρ is split evenly between the two. The interval: each noisy part is
 * within its half-width with probability 1 − β/2, and on that event the exact
 * mean lies between the extreme corners of the ratio (and within the bounds).
 */
export function boundedMean(table: Table, options: ValueOptions, source: ByteSource): Release {
  const { k, level, kind } = checkCommon(options);
  const p = prepareValues(table, options, k);
  const shift = Math.round((p.grid.lower + p.grid.upper) / 2);
  const sumNoise = calibrate(
    kind,
    k * Math.max(p.grid.upper - shift, shift - p.grid.lower, 1),
    options.rho / 2,
  );
  const countNoise = calibrate(kind, k, options.rho / 2);
  const rho = sumNoise.rho + countNoise.rho;
  spend(options, rho, "mean");
  const sums = addNoise(groupSums(p, shift), sumNoise, source);
  const counts = addNoise(groupCounts(p), countNoise, source);
  const beta = 1 - level;
  const aSum = halfWidth(sumNoise, beta / 2);
  const aCount = halfWidth(countNoise, beta / 2);
  const clamp = (x: number) => Math.min(p.grid.upper, Math.max(p.grid.lower, x));
  const estimates = p.keys.map((key, i) => {
    const s = Number(sums[i] ?? 0n);
    const n = Number(counts[i] ?? 0n);
    const value = clamp(shift + s / Math.max(n, 1));
    let low = p.grid.lower;
    let high = p.grid.upper;
    if (n - aCount >= 1) {
      const corners = [s - aSum, s + aSum].flatMap((x) => [x / (n - aCount), x / (n + aCount)]);
      low = clamp(shift + Math.min(...corners));
      high = clamp(shift + Math.max(...corners));
    }
    return { key, value: value * p.step, ci: { low: low * p.step, high: high * p.step, level } };
  });
  return {
    mechanism: "mean",
    estimates,
    noise: [describe(sumNoise), describe(countNoise)],
    ...costOf(sumNoise, countNoise),
  };
}
