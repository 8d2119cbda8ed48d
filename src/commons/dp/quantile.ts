/**
 * Quantiles by permute-and-flip over a public grid of candidates (R. McKenna &
 * D. Sheldon, "Permute-and-Flip: A new mechanism for differentially private
 * selection", NeurIPS 2020): visit the candidates in a uniformly random order
 * and stop at the first r accepted with probability exp(ε·(u(r) − u*)/(2Δ)),
 * u* the best utility. It is ε-DP, never worse in expectation than the
 * exponential mechanism, and here every coin is an exact Bernoulli(exp(−x)).
 *
 * Utility of candidate c for the q-quantile of n values: u(c) = −|#{x ≤ c} − q·n|.
 * Adding a unit's k rows moves #{x ≤ c} by a ∈ [0, k] and q·n by q·k, so
 * Δ = k·max(q, 1 − q). With q = a/b the code scales utilities by b to stay
 * on integers.
 */

import { parseRational, rat, toNumber } from "../../kernel/rational.ts";
import { type PrivacyFilter, privacyCost, pureToRho } from "./accounting.ts";
import type { Release } from "./mechanisms.ts";
import { formatRational } from "./mechanisms.ts";
import { type ByteSource, uniformBelow } from "./random.ts";
import { roundDownSignificant } from "./rational.ts";
import { bernoulliExpNeg } from "./samplers.ts";
import { boundContributions, numberReader, type Table } from "./table.ts";

export interface QuantileOptions {
  readonly column: string;
  /** The quantile as a decimal string in [0, 1], e.g. "0.5". */
  readonly quantile: string;
  /** Public candidates, in any order. */
  readonly candidates: readonly number[];
  readonly unit?: string;
  readonly maxRowsPerUnit?: number;
  readonly rho: number;
  readonly confidence?: number;
  readonly filter?: PrivacyFilter;
}

/** Candidates lower:upper:step (inclusive), or a comma-separated list. */
export function parseCandidates(text: string): number[] {
  const range = /^([^:]+):([^:]+):([^:]+)$/.exec(text.trim());
  if (range) {
    const [low, high, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (![low, high, step].every(Number.isFinite) || step <= 0 || high < low) {
      throw new RangeError(`bad candidate range "${text}" (lower:upper:step)`);
    }
    const n = Math.floor((high - low) / step + 1e-9) + 1;
    if (n > 1_000_000) throw new RangeError("more than 1,000,000 candidates");
    return Array.from({ length: n }, (_, i) => low + i * step);
  }
  const list = text.split(",").map((s) => Number(s.trim()));
  if (list.length === 0 || !list.every(Number.isFinite))
    throw new RangeError(`bad candidates "${text}"`);
  return list;
}

export function quantile(table: Table, options: QuantileOptions, source: ByteSource): Release {
  const q = parseRational(options.quantile);
  if (q.n < 0n || q.n > q.d) throw new RangeError("quantile must be in [0, 1]");
  const level = options.confidence ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence must be in (0, 1), got ${level}`);
  const m = options.candidates.length;
  if (m === 0) throw new RangeError("no candidates");
  if (!options.candidates.every(Number.isFinite))
    throw new RangeError("candidates must be finite numbers");
  const k = options.maxRowsPerUnit ?? 1;
  if (options.unit === undefined && k !== 1)
    throw new RangeError("max rows per unit needs a unit column");
  if (!(options.rho > 0)) throw new RangeError(`ρ must be > 0, got ${options.rho}`);

  // ε = √(2ρ), rounded down to a rational; pure ε-DP costs ε²/2 in zCDP.
  const epsilon = roundDownSignificant(Math.sqrt(2 * options.rho));
  const rho = pureToRho(toNumber(epsilon));
  options.filter?.spend(rho, "quantile");

  const read = numberReader(table, options.column);
  const values: number[] = [];
  for (const row of boundContributions(table, options.unit, k)) {
    const x = read(row);
    if (Number.isFinite(x)) values.push(x);
  }
  values.sort((a, b) => a - b);
  const n = BigInt(values.length);
  const atMost = (c: number) => {
    let low = 0;
    let high = values.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((values[mid] ?? 0) <= c) low = mid + 1;
      else high = mid;
    }
    return BigInt(low);
  };
  // Scaled utilities: −|b·#{x ≤ c} − a·n| for q = a/b.
  const utility = options.candidates.map((c) => {
    const d = q.d * atMost(c) - q.n * n;
    return d < 0n ? d : -d;
  });
  let best = utility[0] ?? 0n;
  for (const u of utility) if (u > best) best = u;
  // Scaled by b: k·max(a, b − a).
  let sensitivity = BigInt(k) * q.n;
  if (BigInt(k) * (q.d - q.n) > sensitivity) sensitivity = BigInt(k) * (q.d - q.n);
  const safeSensitivity = sensitivity > 0n ? sensitivity : 1n;

  // Permute lazily (Fisher–Yates) and flip: accept with exp(−ε·(u* − u)/(2Δ)).
  const order = Array.from({ length: m }, (_, i) => i);
  let chosen = 0;
  for (let i = 0; i < m; i++) {
    const j = i + uniformBelow(source, m - i);
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    const r = order[i] ?? 0;
    const gap = best - (utility[r] ?? 0n);
    if (bernoulliExpNeg(source, rat(epsilon.n * gap, epsilon.d * 2n * safeSensitivity))) {
      chosen = r;
      break;
    }
  }

  // A candidate with u ≤ u* − γ is accepted with probability ≤ exp(−εγ/(2Δ)) each
  // time it is visited, so P[output that bad] ≤ m·exp(−εγ/(2Δ)) = β at
  // γ = 2Δ·log(m/β)/ε (in rows: Δ/b). The interval bounds how much worse the
  // released candidate's rank error is than the best candidate's (the exact
  // quantile, and how well the grid can reach it, stay private).
  const gamma =
    (2 * (Number(safeSensitivity) / Number(q.d)) * Math.log(m / (1 - level))) / toNumber(epsilon);
  return {
    mechanism: "quantile",
    estimates: [
      {
        value: options.candidates[chosen] ?? 0,
        ci: { low: 0, high: gamma, level, of: "rank-gap" },
      },
    ],
    noise: [
      {
        kind: "permute-and-flip",
        scale: formatRational(epsilon),
        sensitivity: Number(safeSensitivity) / Number(q.d),
      },
    ],
    ...privacyCost(rho),
    pureEpsilon: toNumber(epsilon),
  };
}
