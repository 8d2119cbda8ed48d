/**
 * The differential privacy engine: exact integer noise, the mechanisms the data
 * commons answers with, and zCDP accounting. Pure: no I/O beyond randomness.
 */

export { parseRational, type Rational } from "../../kernel/rational.ts";
export {
  BudgetExceededError,
  compose,
  DEFAULT_DELTA,
  gaussianRho,
  laplaceEpsilon,
  type PrivacyCost,
  PrivacyFilter,
  privacyCost,
  pureToRho,
  rhoForEpsilon,
  zcdpToEpsilon,
  zcdpToEpsilonSimple,
} from "./accounting.ts";
export {
  boundedMean,
  boundedSum,
  count,
  type Estimate,
  histogram,
  type Interval,
  type Release,
} from "./mechanisms.ts";
export { calibrate, type NoiseKind } from "./noise.ts";
export { parseCandidates, quantile } from "./quantile.ts";
export { MECHANISMS, type Mechanism, type QuerySpec, runQuery } from "./query.ts";
export { type ByteSource, cryptoByteSource, seededByteSource } from "./random.ts";
export {
  bernoulli,
  bernoulliExpNeg,
  discreteGaussian,
  discreteLaplace,
  type IntegerSampler,
  noiseSampler,
} from "./samplers.ts";
export {
  parseCsv,
  type Table,
  type TypedColumn,
  tableFromColumns,
  tableFromTyped,
} from "./table.ts";
