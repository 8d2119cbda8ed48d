/**
 * Exact samplers for Bernoulli(p), Bernoulli(exp(−x)), the discrete Laplace and
 * the discrete Gaussian, after C. Canonne, G. Kamath & T. Steinke, "The Discrete
 * Gaussian for Differential Privacy" (NeurIPS 2020), Algorithms 1–3.
 *
 * No floating point touches the noise (floating-point noise leaks through the
 * gaps in its support: I. Mironov, "On significance of the least significant
 * bits for differential privacy", CCS 2012). Every parameter is a rational and
 * every decision is an integer comparison against a uniform integer.
 *
 * Speed: each algorithm exists twice. The Number path runs while every
 * intermediate is a safe integer (≤ 2^53 − 1, where doubles are exact; each
 * product is checked, and a double product of safe integers overflows 2^53 iff
 * the exact one does). Any step that would leave that range switches to the
 * BigInt path. Both consume the same bytes for the same decision, so they
 * produce the same samples; the tests check this against the pure-BigInt run.
 */

import { isqrt, type Rational } from "../../kernel/rational.ts";
import { type ByteSource, uniformBelow, uniformBelowBig } from "./random.ts";

const MAX = Number.MAX_SAFE_INTEGER;

/** Bernoulli(p) for a rational 0 ≤ p ≤ 1: a uniform integer below den is < num. */
export function bernoulli(source: ByteSource, p: Rational): boolean {
  if (p.n < 0n || p.n > p.d) throw new RangeError("bernoulli: p must be in [0, 1]");
  if (p.d <= MAX) return uniformBelow(source, Number(p.d)) < Number(p.n);
  return uniformBelowBig(source, p.d) < p.n;
}

/**
 * Bernoulli(exp(−num/den)) for 0 ≤ num ≤ den (CKS Algorithm 1, first part):
 * draw A_k ~ Bernoulli(x/k) for k = 1, 2, … until one is 0; the index K of that
 * first 0 satisfies P[K > n] = xⁿ/n!, so P[K odd] = Σ (−x)ʲ/j! = exp(−x).
 */
function bernoulliExpNegAtMostOne(source: ByteSource, num: number, den: number): boolean {
  for (let k = 1; ; k++) {
    const bound = den * k;
    const success =
      bound <= MAX
        ? uniformBelow(source, bound) < num
        : uniformBelowBig(source, BigInt(den) * BigInt(k)) < BigInt(num);
    if (!success) return k % 2 === 1;
  }
}

function bernoulliExpNegAtMostOneBig(source: ByteSource, num: bigint, den: bigint): boolean {
  for (let k = 1n; ; k++) {
    if (uniformBelowBig(source, den * k) >= num) return k % 2n === 1n;
  }
}

/** Bernoulli(exp(−num/den)) for any num/den ≥ 0 with safe-integer num and den. */
function bernoulliExpNegNumber(source: ByteSource, num: number, den: number): boolean {
  // exp(−x) = exp(−1)^⌊x⌋ · exp(−(x − ⌊x⌋)): stop at the first failure (CKS Algorithm 1).
  while (num > den) {
    if (!bernoulliExpNegAtMostOne(source, 1, 1)) return false;
    num -= den;
  }
  return bernoulliExpNegAtMostOne(source, num, den);
}

function bernoulliExpNegBig(source: ByteSource, num: bigint, den: bigint): boolean {
  while (num > den) {
    if (!bernoulliExpNegAtMostOneBig(source, 1n, 1n)) return false;
    num -= den;
  }
  return bernoulliExpNegAtMostOneBig(source, num, den);
}

/** Bernoulli(exp(−x)) for a rational x ≥ 0. */
export function bernoulliExpNeg(source: ByteSource, x: Rational): boolean {
  if (x.n < 0n) throw new RangeError("bernoulliExpNeg: x must be ≥ 0");
  if (x.n <= MAX && x.d <= MAX) return bernoulliExpNegNumber(source, Number(x.n), Number(x.d));
  return bernoulliExpNegBig(source, x.n, x.d);
}

/**
 * ⌊X/s⌋ where P[X = x] ∝ exp(−x/t), x ≥ 0: X = U + t·V with U uniform on
 * [0, t) kept with probability exp(−U/t), and V ~ Geometric(1 − e^{−1})
 * (CKS Algorithm 2, inner part).
 */
function geometricNumber(source: ByteSource, t: number, s: number): number | bigint {
  let u: number;
  do u = uniformBelow(source, t);
  while (!bernoulliExpNegAtMostOne(source, u, t));
  let v = 0;
  while (bernoulliExpNegAtMostOne(source, 1, 1)) v++;
  const x = v * t + u;
  // ⌊x/s⌋ without trusting a rounded quotient: x − (x mod s) is an exact multiple of s.
  if (x <= MAX) return (x - (x % s)) / s;
  return (BigInt(v) * BigInt(t) + BigInt(u)) / BigInt(s);
}

function geometricBig(source: ByteSource, t: bigint, s: bigint): bigint {
  let u: bigint;
  do u = uniformBelowBig(source, t);
  while (!bernoulliExpNegAtMostOneBig(source, u, t));
  let v = 0n;
  while (bernoulliExpNegAtMostOneBig(source, 1n, 1n)) v++;
  return (v * t + u) / s;
}

/** Discrete Laplace with scale t/s: P[Y = y] ∝ exp(−|y|·s/t) (CKS Algorithm 2). */
function laplaceNumber(source: ByteSource, t: number, s: number): number | bigint {
  for (;;) {
    const negative = uniformBelow(source, 2) === 1;
    const magnitude = geometricNumber(source, t, s);
    // A zero with a minus sign would count 0 twice: reject it.
    if (negative && (magnitude === 0 || magnitude === 0n)) continue;
    if (!negative) return magnitude;
    return typeof magnitude === "bigint" ? -magnitude : -magnitude;
  }
}

function laplaceBig(source: ByteSource, t: bigint, s: bigint): bigint {
  for (;;) {
    const negative = uniformBelowBig(source, 2n) === 1n;
    const magnitude = geometricBig(source, t, s);
    if (negative && magnitude === 0n) continue;
    return negative ? -magnitude : magnitude;
  }
}

/** A sampler of integer noise with fixed, exact parameters. */
export interface IntegerSampler {
  readonly kind: "gauss" | "laplace";
  /** σ for the discrete Gaussian, b for the discrete Laplace. */
  readonly scale: Rational;
  sample(source: ByteSource): bigint;
}

export interface SamplerOptions {
  /** Run the BigInt reference path only (slow; for cross-checks). */
  readonly bigintOnly?: boolean;
}

function checkScale(scale: Rational): void {
  if (scale.n <= 0n) throw new RangeError("scale must be > 0");
}

/** The discrete Laplace with scale b: P[Y = y] ∝ exp(−|y|/b), y ∈ ℤ. */
export function discreteLaplace(scale: Rational, options: SamplerOptions = {}): IntegerSampler {
  checkScale(scale);
  // b = t/s, so exp(−|y|/b) = exp(−|y|·s/t).
  const { n: t, d: s } = scale;
  const fast = !options.bigintOnly && t <= MAX && s <= MAX;
  const tn = Number(t);
  const sn = Number(s);
  return {
    kind: "laplace",
    scale,
    sample: fast
      ? (source) => BigInt(laplaceNumber(source, tn, sn))
      : (source) => laplaceBig(source, t, s),
  };
}

/**
 * The discrete Gaussian with scale σ: P[Y = y] ∝ exp(−y²/(2σ²)), y ∈ ℤ
 * (CKS Algorithm 3): propose Y from the discrete Laplace with integer scale
 * t = ⌊σ⌋ + 1 and accept with probability exp(−(|Y| − σ²/t)²/(2σ²)).
 * With σ² = p/q that exponent is (|Y|·q·t − p)² / (2·p·q·t²).
 */
export function discreteGaussian(sigma: Rational, options: SamplerOptions = {}): IntegerSampler {
  checkScale(sigma);
  const p = sigma.n * sigma.n;
  const q = sigma.d * sigma.d;
  const t = isqrt(p / q) + 1n;
  const den = 2n * p * q * t * t;
  const qt = q * t;
  const fast = !options.bigintOnly && den <= MAX;

  const sampleBig = (source: ByteSource): bigint => {
    for (;;) {
      const y = laplaceBig(source, t, 1n);
      const a = (y < 0n ? -y : y) * qt - p;
      if (bernoulliExpNegBig(source, a * a, den)) return y;
    }
  };
  if (!fast) return { kind: "gauss", scale: sigma, sample: sampleBig };

  const [pn, tn, qtn, denn] = [Number(p), Number(t), Number(qt), Number(den)];
  const sampleFast = (source: ByteSource): bigint => {
    for (;;) {
      const y = laplaceNumber(source, tn, 1);
      if (typeof y === "number") {
        const yqt = Math.abs(y) * qtn;
        const a = yqt - pn;
        const squared = a * a;
        if (yqt <= MAX && squared <= MAX) {
          if (bernoulliExpNegNumber(source, squared, denn)) return BigInt(y);
          continue;
        }
      }
      const yb = BigInt(y);
      const a = (yb < 0n ? -yb : yb) * qt - p;
      if (bernoulliExpNegBig(source, a * a, den)) return yb;
    }
  };
  return { kind: "gauss", scale: sigma, sample: sampleFast };
}

/** A sampler by name, as the CLI and the mechanisms ask for one. */
export function noiseSampler(
  kind: "gauss" | "laplace",
  scale: Rational,
  options?: SamplerOptions,
): IntegerSampler {
  return kind === "gauss" ? discreteGaussian(scale, options) : discreteLaplace(scale, options);
}
