/**
 * Noise scales on a rational grid. The exact samplers take rationals; a scale
 * computed in floating point is first put on a grid of round decimals.
 */
import { type Rational, rat } from "../../kernel/rational.ts";

/**
 * The smallest "round" rational ≥ x with `digits` significant decimal digits,
 * used to put a computed noise scale on a rational grid: rounding the scale up
 * only lowers the privacy cost, which is then recomputed from the exact value.
 */
export function roundUpSignificant(x: number, digits = 4): Rational {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`bad scale ${x}`);
  const exponent = Math.floor(Math.log10(x)) - (digits - 1);
  if (exponent >= 0) {
    const unit = 10 ** exponent;
    return rat(BigInt(Math.ceil(x / unit)) * 10n ** BigInt(exponent));
  }
  const scale = 10 ** -exponent;
  let units = Math.ceil(x * scale);
  if (units / scale < x) units++;
  return rat(BigInt(units), 10n ** BigInt(-exponent));
}

/** Like `roundUpSignificant` but rounding down (for an ε that must not exceed its budget). */
export function roundDownSignificant(x: number, digits = 4): Rational {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`bad parameter ${x}`);
  const exponent = Math.floor(Math.log10(x)) - (digits - 1);
  if (exponent >= 0) {
    const unit = 10 ** exponent;
    return rat(BigInt(Math.floor(x / unit)) * 10n ** BigInt(exponent));
  }
  const scale = 10 ** -exponent;
  let units = Math.floor(x * scale);
  if (units / scale > x) units--;
  return rat(BigInt(units), 10n ** BigInt(-exponent));
}
