/**
 * The statistics the tests of the samplers stand on: the regularized incomplete
 * gamma function, the chi-square distribution, and a goodness-of-fit test of
 * integer samples against a probability mass function.
 */

// Lanczos approximation (g = 7, n = 9), relative error below 1e-15 for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma: x must be > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0] ?? 0;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] ?? 0) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * The regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a): by its power
 * series for x < a + 1, else by its continued fraction (modified Lentz), the
 * split where each converges fast and the other would lose precision.
 */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`gammaQ: need a > 0, x ≥ 0 (a=${a}, x=${x})`);
  if (x === 0) return 1;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    // P(a, x) = x^a e^{-x} / Γ(a+1) · Σ x^n / ((a+1)…(a+n))
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    return 1 - sum * Math.exp(logPrefix);
  }
  // Q(a, x) = x^a e^{-x}/Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …)))
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(logPrefix) * h;
}

/** P[χ²_df ≥ x]. */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`chi-square: df must be > 0, got ${df}`);
  return x <= 0 ? 1 : gammaQ(df / 2, x / 2);
}

/** The x with P[χ²_df ≥ x] = p, by bisection on the (decreasing) survival function. */
export function chiSquareCritical(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`chi-square: p must be in (0, 1), got ${p}`);
  let low = 0;
  let high = Math.max(1, df);
  while (chiSquareSurvival(high, df) > p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const mid = (low + high) / 2;
    if (chiSquareSurvival(mid, df) > p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** Wilson & Hilferty (1931): (χ²/df)^{1/3} is nearly normal; a cross-check for large df. */
export function wilsonHilfertyCritical(z: number, df: number): number {
  const v = 2 / (9 * df);
  return df * (1 - v + z * Math.sqrt(v)) ** 3;
}

export interface GoodnessOfFit {
  statistic: number;
  df: number;
  pValue: number;
  bins: number;
}

/**
 * Pearson's chi-square test of integer samples against a pmf over ℤ. Bins are
 * runs of consecutive integers holding about n/targetBins expected samples
 * (never fewer than minExpected), and the two outer bins take the whole tails,
 * so every probability is counted. Few, wide bins keep the test powerful
 * against a wrong scale.
 *
 * `pmf` must be accurate to well below 1/n; `support` is a range outside
 * which the mass is negligible (what little there is joins the outer bins,
 * half each: the pmfs tested here are symmetric).
 */
export function chiSquareGoodnessOfFit(
  samples: Map<number, number>,
  pmf: (k: number) => number,
  support: { low: number; high: number },
  options: { targetBins?: number; minExpected?: number } = {},
): GoodnessOfFit {
  const targetBins = options.targetBins ?? 40;
  const minExpected = options.minExpected ?? 20;
  let n = 0;
  for (const count of samples.values()) n += count;
  if (n === 0) throw new RangeError("chi-square: no samples");
  const width = Math.max(minExpected, n / targetBins) / n;

  // Cut [low, high] into runs of mass ≥ width; a final short run joins the last bin.
  const edges: number[] = []; // each bin's highest integer
  const masses: number[] = [];
  let mass = 0;
  let total = 0;
  for (let k = support.low; k <= support.high; k++) {
    const p = pmf(k);
    mass += p;
    total += p;
    if (mass >= width) {
      edges.push(k);
      masses.push(mass);
      mass = 0;
    }
  }
  if (masses.length < 2) throw new RangeError("chi-square: too few bins");
  const outside = Math.max(0, 1 - total);
  const last = masses.length - 1;
  masses[last] = (masses[last] ?? 0) + mass + outside / 2;
  masses[0] = (masses[0] ?? 0) + outside / 2;
  edges[last] = Number.POSITIVE_INFINITY;

  const observed = new Array<number>(masses.length).fill(0);
  for (const [value, count] of samples) {
    let bin = 0;
    // Binary search for the first edge ≥ value.
    let high = edges.length - 1;
    while (bin < high) {
      const mid = (bin + high) >> 1;
      if ((edges[mid] ?? 0) >= value) high = mid;
      else bin = mid + 1;
    }
    observed[bin] = (observed[bin] ?? 0) + count;
  }
  let statistic = 0;
  for (let i = 0; i < masses.length; i++) {
    const expected = n * (masses[i] ?? 0);
    statistic += ((observed[i] ?? 0) - expected) ** 2 / expected;
  }
  const df = masses.length - 1;
  return { statistic, df, pValue: chiSquareSurvival(statistic, df), bins: masses.length };
}
