/**
 * The Harrison–Stevens multi-process dynamic linear model (class II in West &
 * Harrison, "Bayesian Forecasting and Dynamic Models", 2nd ed., ch. 12), the
 * engine of the Cyberstride detector (Beer, "Brain of the Firm", 1972, ch. 16).
 *
 * One series, a linear growth model with state θ = (level, slope):
 *   y_t = level_t + v_t,                       v_t ~ N(0, V·obs_r)
 *   level_t = level_{t-1} + slope_{t-1} + δl,  slope_t = slope_{t-1} + δs,
 *   (δl, δs) ~ N(0, V·diag(level_r, slope_r)),
 * where r is the regime at time t, one of four (Harrison & Stevens 1976, JRSS B
 * 38:205–247): steady, step change (level variance inflated), slope change
 * (slope variance inflated) and transient (observation variance inflated). Each
 * regime has a small prior probability at every step, independently of the past.
 *
 * The exact posterior is a mixture that grows fourfold each step; class II keeps
 * one Gaussian per current regime: for each (previous, current) pair a Kalman
 * update, weighted by prior × previous posterior × predictive likelihood, then
 * collapsed per current regime by matching first and second moments (W&H §12.3).
 *
 * The observation variance V is unknown and learned on line (W&H §4.5–4.6):
 * every variance above is a multiple of V, each component carries its own point
 * estimate S of V, the one-step forecasts are Student t with n degrees of
 * freedom, and S is collapsed by matching the mean of the precision 1/V
 * (W&H §12.3.4). A discount on n (W&H §10.8) lets S follow slow changes in
 * volatility. Working in multiples of V makes the defaults scale-free: the same
 * parameters suit kilograms and hours.
 */

export const regimes = ["steady", "step", "slope", "transient"] as const;
export type Regime = (typeof regimes)[number];

/** Variances of one regime, each a multiple of the observation variance V. */
export interface RegimeVariances {
  /** Evolution variance of the level. */
  level: number;
  /** Evolution variance of the slope. */
  slope: number;
  /** Observation variance (1 for an ordinary observation). */
  observation: number;
}

export interface ModelParameters {
  /** Prior probability of each regime at each step; they must sum to 1. */
  prior: Record<Regime, number>;
  /** Variances of each regime, in multiples of V. */
  variances: Record<Regime, RegimeVariances>;
  /** Discount on the degrees of freedom of V's estimate (1 = never forget). */
  varianceDiscount: number;
}

/**
 * Defaults, tuned on labelled series like the bench's (other seeds). Inflations
 * of 100 follow Harrison & Stevens's advice of variances orders of magnitude
 * above the steady ones. Small prior probabilities (0.5% each) matter: every
 * collapse mixes a little of each change regime into the steady component, so
 * larger ones make the forecast chase the noise and absorb real changes. With
 * these, a step of four standard deviations is flagged on the step it happens,
 * a smaller one on the next step by looking back.
 */
export const defaultModelParameters: ModelParameters = {
  prior: { steady: 0.985, step: 0.005, slope: 0.005, transient: 0.005 },
  variances: {
    steady: { level: 0.02, slope: 0.0002, observation: 1 },
    step: { level: 100, slope: 0.0002, observation: 1 },
    slope: { level: 0.02, slope: 1, observation: 1 },
    transient: { level: 0.02, slope: 0.0002, observation: 100 },
  },
  varianceDiscount: 0.98,
};

/**
 * Posterior of θ under one regime: mean m = (level, slope), covariance S·C with
 * C = [c00, c01; c01, c11] in multiples of V, and S the estimate of V.
 */
export interface Component {
  probability: number;
  level: number;
  slope: number;
  c00: number;
  c01: number;
  c11: number;
  variance: number;
}

/** The whole filter state: one component per regime, plain data (JSON-safe). */
export interface FilterState {
  components: Component[];
  /** Degrees of freedom of V's estimate, shared by all components. */
  degreesOfFreedom: number;
}

/** What one observation tells: the forecast made before it and the posteriors after. */
export interface StepOutput {
  /** One-step forecast mean (mixture over the previous components). */
  forecast: number;
  /** Central interval of the forecast if nothing changes (the steady regime). */
  lower: number;
  upper: number;
  /** Standard deviation of the forecast if nothing changes (Student t scale). */
  scale: number;
  /** Posterior probability of each regime now, given the data up to now. */
  current: Record<Regime, number>;
  /** Posterior probability of each regime at the previous step, given the data up to now. */
  previous: Record<Regime, number>;
}

export interface Prior {
  level: number;
  slope: number;
  /** Variances of level and slope, in multiples of V. */
  levelVariance: number;
  slopeVariance: number;
  /** Initial estimate of V and how many observations it is worth. */
  variance: number;
  degreesOfFreedom: number;
}

export function initialState(prior: Prior, parameters: ModelParameters): FilterState {
  if (!(prior.variance > 0)) throw new RangeError("prior variance must be positive");
  if (!(prior.degreesOfFreedom > 0))
    throw new RangeError("prior degrees of freedom must be positive");
  return {
    degreesOfFreedom: prior.degreesOfFreedom,
    components: regimes.map((r) => ({
      probability: parameters.prior[r],
      level: prior.level,
      slope: prior.slope,
      c00: prior.levelVariance,
      c01: 0,
      c11: prior.slopeVariance,
      variance: prior.variance,
    })),
  };
}

/**
 * Quantile of Student's t with n degrees of freedom for the normal quantile z,
 * by the Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5), accurate to
 * about 1% for n ≥ 3; below 3 it uses the exact value for n = 1 or n = 2
 * (rounding n down, so the interval errs on the wide side).
 */
export function studentQuantile(z: number, n: number): number {
  if (n < 2) return Math.tan(Math.PI * (normalCdf(z) - 0.5));
  if (n < 3) {
    const p = normalCdf(z);
    return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  }
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  const z7 = z5 * z * z;
  return (
    z +
    (z3 + z) / (4 * n) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n)
  );
}

/** Φ(z) by the Zelen & Severo approximation (A&S 26.2.17), |error| < 7.5e-8. */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const poly =
    t *
    (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const tail = Math.exp((-z * z) / 2) * 0.3989422804014327 * poly;
  return z >= 0 ? 1 - tail : tail;
}

/** z for a two-sided 95% interval. */
const z95 = 1.959963984540054;

const pairCount = regimes.length * regimes.length;
// Scratch space reused across steps: a step allocates only its result.
const scratch = {
  logWeight: new Float64Array(pairCount),
  level: new Float64Array(pairCount),
  slope: new Float64Array(pairCount),
  c00: new Float64Array(pairCount),
  c01: new Float64Array(pairCount),
  c11: new Float64Array(pairCount),
  variance: new Float64Array(pairCount),
};

/**
 * Filters one observation y: returns the next state and what was learned. Pure
 * with respect to its arguments (the input state is not modified).
 */
export function step(
  state: FilterState,
  y: number,
  parameters: ModelParameters,
): { state: FilterState; output: StepOutput } {
  const k = regimes.length;
  const n = state.degreesOfFreedom;
  const { logWeight, level, slope, c00, c01, c11, variance } = scratch;

  // Forecast before seeing y: mixture over previous components of G·m.
  let forecast = 0;
  for (const c of state.components) forecast += c.probability * (c.level + c.slope);
  const steady = parameters.variances.steady;
  let steadyVariance = 0;
  for (const c of state.components) {
    const f = c.level + c.slope;
    const q = c.variance * (c.c00 + 2 * c.c01 + c.c11 + steady.level + steady.observation);
    steadyVariance += c.probability * (q + (f - forecast) * (f - forecast));
  }
  const scale = Math.sqrt(steadyVariance);
  const halfWidth = studentQuantile(z95, n) * scale;

  // Kalman update for every (previous i, current j) pair.
  const nextN = parameters.varianceDiscount * n + 1;
  let maxLog = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < k; i++) {
    const c = state.components[i] as Component;
    // G C G' with G = [1 1; 0 1].
    const g00 = c.c00 + 2 * c.c01 + c.c11;
    const g01 = c.c01 + c.c11;
    const g11 = c.c11;
    const a0 = c.level + c.slope;
    const a1 = c.slope;
    const e = y - a0;
    for (let j = 0; j < k; j++) {
      const w = parameters.variances[regimes[j] as Regime];
      const p = i * k + j;
      const r00 = g00 + w.level;
      const r01 = g01;
      const r11 = g11 + w.slope;
      const q = r00 + w.observation; // in multiples of S_i
      const A0 = r00 / q;
      const A1 = r01 / q;
      level[p] = a0 + A0 * e;
      slope[p] = a1 + A1 * e;
      c00[p] = r00 - A0 * A0 * q;
      c01[p] = r01 - A0 * A1 * q;
      c11[p] = r11 - A1 * A1 * q;
      const u = (e * e) / (c.variance * q); // standardised squared error
      // W&H §4.6 with a discount: d_t = δ·n·S + S·u, n_t = δ·n + 1.
      variance[p] = (parameters.varianceDiscount * n * c.variance + c.variance * u) / nextN;
      // log of prior × previous posterior × Student t_n density (common constants dropped).
      const lw =
        Math.log(parameters.prior[regimes[j] as Regime]) +
        Math.log(c.probability) -
        0.5 * Math.log(c.variance * q) -
        ((n + 1) / 2) * Math.log1p(u / n);
      logWeight[p] = lw;
      if (lw > maxLog) maxLog = lw;
    }
  }

  let total = 0;
  for (let p = 0; p < pairCount; p++) {
    const w = Math.exp((logWeight[p] as number) - maxLog);
    logWeight[p] = w; // now an unnormalised weight
    total += w;
  }

  const current = {} as Record<Regime, number>;
  const previous = {} as Record<Regime, number>;
  for (const r of regimes) previous[r] = 0;
  const components: Component[] = [];
  for (let j = 0; j < k; j++) {
    let pj = 0;
    let precision = 0;
    let mLevel = 0;
    let mSlope = 0;
    for (let i = 0; i < k; i++) {
      const p = i * k + j;
      const w = (logWeight[p] as number) / total;
      previous[regimes[i] as Regime] += w;
      pj += w;
      precision += w / (variance[p] as number);
      mLevel += w * (level[p] as number);
      mSlope += w * (slope[p] as number);
    }
    // A component whose weight underflowed keeps a harmless copy of its previous self.
    if (!(pj > 0)) {
      const old = state.components[j] as Component;
      components.push({ ...old, probability: 0 });
      current[regimes[j] as Regime] = 0;
      continue;
    }
    mLevel /= pj;
    mSlope /= pj;
    const s = pj / precision; // E[1/V] matched: 1/S_j = Σ w_ij / S_ij
    let v00 = 0;
    let v01 = 0;
    let v11 = 0;
    for (let i = 0; i < k; i++) {
      const p = i * k + j;
      const w = (logWeight[p] as number) / total / pj;
      const sp = variance[p] as number;
      const dl = (level[p] as number) - mLevel;
      const ds = (slope[p] as number) - mSlope;
      v00 += w * (sp * (c00[p] as number) + dl * dl);
      v01 += w * (sp * (c01[p] as number) + dl * ds);
      v11 += w * (sp * (c11[p] as number) + ds * ds);
    }
    components.push({
      probability: pj,
      level: mLevel,
      slope: mSlope,
      c00: v00 / s,
      c01: v01 / s,
      c11: v11 / s,
      variance: s,
    });
    current[regimes[j] as Regime] = pj;
  }

  return {
    state: { components, degreesOfFreedom: nextN },
    output: {
      forecast,
      lower: forecast - halfWidth,
      upper: forecast + halfWidth,
      scale,
      current,
      previous,
    },
  };
}
