/**
 * Probability mass functions and tails of the discrete noise, in double
 * precision. They never generate noise: they serve the goodness-of-fit tests
 * (which need accuracy far below 1/n, n ≈ 10^5) and the confidence intervals
 * (post-processing of public parameters).
 */

/** The discrete Gaussian's normalising constant Σ_y exp(−y²/(2σ²)). */
function gaussianNormaliser(sigma: number): number {
  // Poisson summation: Σ = σ√(2π)·(1 + 2Σ_k exp(−2π²σ²k²)); for σ ≥ 3 the
  // correction is below e^{−177}, far under double precision.
  if (sigma >= 3) return sigma * Math.sqrt(2 * Math.PI);
  let sum = 1;
  for (let y = 1; ; y++) {
    const term = Math.exp(-(y * y) / (2 * sigma * sigma));
    sum += 2 * term;
    if (term < 1e-20) return sum;
  }
}

/** P[Y = k] for the discrete Gaussian with scale σ (Canonne, Kamath & Steinke 2020, Def. 1). */
export function discreteGaussianPmf(sigma: number): (k: number) => number {
  if (!(sigma > 0)) throw new RangeError("sigma must be > 0");
  const z = gaussianNormaliser(sigma);
  return (k) => Math.exp(-(k * k) / (2 * sigma * sigma)) / z;
}

/** P[Y = k] = (1 − q)/(1 + q) · q^|k| with q = exp(−1/b), for the discrete Laplace. */
export function discreteLaplacePmf(b: number): (k: number) => number {
  if (!(b > 0)) throw new RangeError("scale must be > 0");
  // (1 − q)/(1 + q) with expm1 so it stays accurate for large b.
  const head = -Math.expm1(-1 / b) / (1 + Math.exp(-1 / b));
  return (k) => head * Math.exp(-Math.abs(k) / b);
}

/**
 * The smallest integer a with P[|Y| > a] ≤ beta for the discrete Gaussian.
 * Summed exactly (in double precision) up to σ = 10^4; above, the subgaussian
 * tail bound P[Y ≥ a] ≤ exp(−a²/(2σ²)) (CKS 2020 show the discrete Gaussian is σ-subgaussian; then Chernoff)
 * gives a slightly wider, still valid interval.
 */
export function discreteGaussianHalfWidth(sigma: number, beta: number): number {
  checkBeta(beta);
  if (sigma > 1e4) return Math.ceil(sigma * Math.sqrt(2 * Math.log(2 / beta)));
  const pmf = discreteGaussianPmf(sigma);
  let inside = pmf(0);
  let a = 0;
  while (1 - inside > beta) {
    a++;
    inside += 2 * pmf(a);
  }
  return a;
}

/** The smallest integer a with P[|Y| > a] = 2q^{a+1}/(1+q) ≤ beta for the discrete Laplace. */
export function discreteLaplaceHalfWidth(b: number, beta: number): number {
  checkBeta(beta);
  const logQ = -1 / b;
  const tail = (a: number) => (2 * Math.exp(logQ * (a + 1))) / (1 + Math.exp(logQ));
  let a = Math.max(0, Math.ceil(Math.log((beta * (1 + Math.exp(logQ))) / 2) / logQ - 1));
  while (a > 0 && tail(a - 1) <= beta) a--;
  while (tail(a) > beta) a++;
  return a;
}

function checkBeta(beta: number): void {
  if (!(beta > 0 && beta < 1)) throw new RangeError(`beta must be in (0, 1), got ${beta}`);
}
