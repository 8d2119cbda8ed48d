/**
 * Calibrating integer noise to a sensitivity and a ρ budget, and the confidence
 * half-width that goes with it.
 */

import { type Rational, toNumber } from "../../kernel/rational.ts";
import { gaussianRho, laplaceEpsilon, pureToRho } from "./accounting.ts";
import { discreteGaussianHalfWidth, discreteLaplaceHalfWidth } from "./pmf.ts";
import type { ByteSource } from "./random.ts";
import { roundUpSignificant } from "./rational.ts";
import { type IntegerSampler, noiseSampler } from "./samplers.ts";

export type NoiseKind = "gauss" | "laplace";

export interface CalibratedNoise {
  readonly kind: NoiseKind;
  /** σ or b, exact. */
  readonly scale: Rational;
  /** The sensitivity the scale was set for (L2 for gauss, L1 for laplace), in grid units. */
  readonly sensitivity: number;
  /** The exact cost of the rounded scale (≤ the ρ asked for). */
  readonly rho: number;
  readonly sampler: IntegerSampler;
}

/**
 * The smallest 4-significant-digit scale within ρ: the discrete Gaussian needs
 * σ = Δ₂/√(2ρ) (ρ = Δ₂²/(2σ²), CKS 2020 Thm. 4); the discrete Laplace has
 * ε = Δ₁/b, and pure ε-DP is (ε²/2)-zCDP, so b = Δ₁/√(2ρ) as well. Rounding
 * the scale up keeps the true cost within the budget.
 */
export function calibrate(kind: NoiseKind, sensitivity: number, rho: number): CalibratedNoise {
  if (!(rho > 0) || !Number.isFinite(rho)) throw new RangeError(`ρ must be > 0, got ${rho}`);
  if (!(sensitivity > 0) || !Number.isFinite(sensitivity))
    throw new RangeError(`bad sensitivity ${sensitivity}`);
  const scale = roundUpSignificant(sensitivity / Math.sqrt(2 * rho));
  const value = toNumber(scale);
  const actual =
    kind === "gauss"
      ? gaussianRho(sensitivity, value)
      : pureToRho(laplaceEpsilon(sensitivity, value));
  return { kind, scale, sensitivity, rho: actual, sampler: noiseSampler(kind, scale) };
}

/** The integer a with P[|noise| > a] ≤ beta (from the exact tails, see pmf.ts). */
export function halfWidth(noise: CalibratedNoise, beta: number): number {
  const scale = toNumber(noise.scale);
  return noise.kind === "gauss"
    ? discreteGaussianHalfWidth(scale, beta)
    : discreteLaplaceHalfWidth(scale, beta);
}

/** Adds one independent draw to each exact integer. */
export function addNoise(
  values: readonly bigint[],
  noise: CalibratedNoise,
  source: ByteSource,
): bigint[] {
  return values.map((v) => v + noise.sampler.sample(source));
}
