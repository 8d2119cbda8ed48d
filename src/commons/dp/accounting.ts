/**
 * Privacy accounting in zero-concentrated differential privacy (zCDP, ρ):
 * M. Bun & T. Steinke, "Concentrated Differential Privacy: Simplifications,
 * Extensions, and Lower Bounds" (TCC 2016). Costs add up under composition
 * (ibid., Lemma 2.3), pure ε-DP is (ε²/2)-zCDP (Prop. 1.4), and ρ-zCDP converts
 * to (ε, δ)-DP by the tight bound of Canonne, Kamath & Steinke 2020 (arXiv:2004.00010v3, p. 13;
 * also Asoodeh et al. 2021).
 */

/** The δ every reported ε refers to. */
export const DEFAULT_DELTA = 1e-6;

/** ρ of the (discrete) Gaussian mechanism, Δ₂²/(2σ²) (CKS 2020, Thm. 4). */
export function gaussianRho(l2Sensitivity: number, sigma: number): number {
  if (!(l2Sensitivity >= 0) || !(sigma > 0)) throw new RangeError("gaussianRho: bad arguments");
  return (l2Sensitivity * l2Sensitivity) / (2 * sigma * sigma);
}

/** ε of the (discrete) Laplace mechanism, Δ₁/b; pure DP for integer-valued queries. */
export function laplaceEpsilon(l1Sensitivity: number, b: number): number {
  if (!(l1Sensitivity >= 0) || !(b > 0)) throw new RangeError("laplaceEpsilon: bad arguments");
  return l1Sensitivity / b;
}

/** ε-DP implies (ε²/2)-zCDP (Bun & Steinke 2016, Prop. 1.4). */
export function pureToRho(epsilon: number): number {
  if (!(epsilon >= 0)) throw new RangeError("epsilon must be ≥ 0");
  return (epsilon * epsilon) / 2;
}

/** Sequential composition: ρ's add (Bun & Steinke 2016, Lemma 2.3). */
export function compose(...rhos: number[]): number {
  let total = 0;
  for (const rho of rhos) {
    if (!(rho >= 0)) throw new RangeError(`compose: bad ρ ${rho}`);
    total += rho;
  }
  return total;
}

function checkRhoDelta(rho: number, delta: number): void {
  if (!(rho >= 0) || !Number.isFinite(rho)) throw new RangeError(`bad ρ ${rho}`);
  if (!(delta > 0 && delta < 1)) throw new RangeError(`δ must be in (0, 1), got ${delta}`);
}

/** The classic conversion ε = ρ + 2√(ρ·log(1/δ)) (Bun & Steinke 2016, Prop. 1.3). */
export function zcdpToEpsilonSimple(rho: number, delta = DEFAULT_DELTA): number {
  checkRhoDelta(rho, delta);
  return rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
}

/** ε(α) = αρ + (log(1/δ) + (α−1)·log(1−1/α) − log α)/(α−1), the bound minimised below. */
export function tightBoundAt(rho: number, delta: number, alpha: number): number {
  const am1 = alpha - 1;
  return alpha * rho + (Math.log(1 / delta) + am1 * Math.log1p(-1 / alpha) - Math.log(alpha)) / am1;
}

/**
 * The tight conversion: ε = inf_{α>1} ε(α) (CKS 2020, p. 13). One-dimensional
 * minimisation over u = log(α − 1): a coarse scan finds the basin, then
 * golden-section search refines it. Any α gives a valid bound, so a slightly
 * imperfect minimum only costs tightness, never validity.
 */
export function zcdpToEpsilon(rho: number, delta = DEFAULT_DELTA): number {
  checkRhoDelta(rho, delta);
  if (rho === 0) return 0;
  const f = (u: number) => tightBoundAt(rho, delta, 1 + Math.exp(u));
  const step = 0.05;
  let bestU = -20;
  let best = f(bestU);
  for (let u = -20 + step; u <= 40; u += step) {
    const value = f(u);
    if (value < best) [best, bestU] = [value, u];
  }
  let low = bestU - step;
  let high = bestU + step;
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 100; i++) {
    const a = high - ratio * (high - low);
    const b = low + ratio * (high - low);
    if (f(a) < f(b)) high = b;
    else low = a;
  }
  return Math.max(0, Math.min(best, f((low + high) / 2)));
}

/** The largest ρ whose tight conversion stays within ε at δ (bisection; ε is increasing in ρ). */
export function rhoForEpsilon(epsilon: number, delta = DEFAULT_DELTA): number {
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new RangeError(`bad ε ${epsilon}`);
  let low = 0;
  let high = epsilon; // ε(ρ) > ρ, so ρ = ε is always too much
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (zcdpToEpsilon(mid, delta) <= epsilon) low = mid;
    else high = mid;
  }
  return low;
}

/** What a release cost: ρ, and the ε it amounts to at δ. */
export interface PrivacyCost {
  rho: number;
  epsilon: number;
  delta: number;
}

export function privacyCost(rho: number, delta = DEFAULT_DELTA): PrivacyCost {
  return { rho, epsilon: zcdpToEpsilon(rho, delta), delta };
}

export class BudgetExceededError extends Error {
  override name = "BudgetExceededError";
}

/**
 * A privacy filter: it admits a sequence of (possibly adaptively chosen)
 * releases while their total ρ stays within the budget, and refuses, before
 * any noise is drawn, the one that would exceed it. zCDP filters are valid
 * under fully adaptive composition (J. Whitehouse, A. Ramdas, R. Rogers &
 * Z. S. Wu, "Fully-Adaptive Composition in Differential Privacy", ICML 2023).
 * A relative slack of 1e−12 absorbs floating-point sums such as 0.1 + 0.2.
 */
export class PrivacyFilter {
  readonly budget: number;
  #spent: number;
  readonly #entries: { label: string; rho: number }[] = [];

  constructor(budgetRho: number, alreadySpent = 0) {
    if (!(budgetRho > 0) || !Number.isFinite(budgetRho))
      throw new RangeError(`bad budget ρ ${budgetRho}`);
    if (!(alreadySpent >= 0)) throw new RangeError(`bad spent ρ ${alreadySpent}`);
    this.budget = budgetRho;
    this.#spent = alreadySpent;
  }

  get spent(): number {
    return this.#spent;
  }

  get remaining(): number {
    return Math.max(0, this.budget - this.#spent);
  }

  get entries(): readonly { label: string; rho: number }[] {
    return this.#entries;
  }

  canSpend(rho: number): boolean {
    return rho >= 0 && this.#spent + rho <= this.budget * (1 + 1e-12);
  }

  /** Records the cost, or throws BudgetExceededError and records nothing. */
  spend(rho: number, label = "release"): void {
    if (!(rho >= 0) || !Number.isFinite(rho)) throw new RangeError(`bad ρ ${rho}`);
    if (!this.canSpend(rho)) {
      throw new BudgetExceededError(
        `${label} needs ρ = ${rho} but only ${this.remaining} of ${this.budget} remains`,
      );
    }
    this.#spent += rho;
    this.#entries.push({ label, rho });
  }
}
