/**
 * Exact non-negative-denominator rationals on BigInt: noise parameters are
 * rationals so the samplers never round (Canonne, Kamath & Steinke 2020, §5).
 */

export interface Rational {
  readonly num: bigint;
  /** Always > 0; the fraction is kept in lowest terms. */
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function rational(num: bigint, den = 1n): Rational {
  if (den === 0n) throw new RangeError("rational: zero denominator");
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const FRACTION = /^([+-]?\d+)\/(\d+)$/;

/** Parses "2.5", "-0.125", "1e-3" or "5/2" exactly; throws on anything else. */
export function parseRational(text: string): Rational {
  const s = text.trim();
  const fraction = FRACTION.exec(s);
  if (fraction) return rational(BigInt(fraction[1] ?? ""), BigInt(fraction[2] ?? ""));
  const match = DECIMAL.exec(s);
  if (!match) throw new RangeError(`not a number: "${text}"`);
  const [, sign = "", whole = "0", decimals = "", exponentText = "0"] = match;
  const exponent = Number(exponentText) - decimals.length;
  if (Math.abs(exponent) > 400) throw new RangeError(`number out of range: "${text}"`);
  let num = BigInt(whole + decimals);
  let den = 1n;
  if (exponent >= 0) num *= 10n ** BigInt(exponent);
  else den = 10n ** BigInt(-exponent);
  return rational(sign === "-" ? -num : num, den);
}

/** The rational's value as a float (for display and accounting, never for noise). */
export function toNumber(r: Rational): number {
  const n = Number(r.num) / Number(r.den);
  if (Number.isFinite(n)) return n;
  // Both parts overflow: shift them down together.
  const shift = BigInt(Math.max(0, r.den.toString(2).length - 1000));
  return Number(r.num >> shift) / Number(r.den >> shift);
}

export function multiply(a: Rational, b: Rational): Rational {
  return rational(a.num * b.num, a.den * b.den);
}

/** ⌊√n⌋ for n ≥ 0 by Newton's iteration on BigInt. */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError("isqrt of a negative number");
  if (n < 2n) return n;
  let x = 1n << BigInt((n.toString(2).length >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

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
    return rational(BigInt(Math.ceil(x / unit)) * 10n ** BigInt(exponent));
  }
  const scale = 10 ** -exponent;
  let units = Math.ceil(x * scale);
  if (units / scale < x) units++;
  return rational(BigInt(units), 10n ** BigInt(-exponent));
}

/** Like `roundUpSignificant` but rounding down (for an ε that must not exceed its budget). */
export function roundDownSignificant(x: number, digits = 4): Rational {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`bad parameter ${x}`);
  const exponent = Math.floor(Math.log10(x)) - (digits - 1);
  if (exponent >= 0) {
    const unit = 10 ** exponent;
    return rational(BigInt(Math.floor(x / unit)) * 10n ** BigInt(exponent));
  }
  const scale = 10 ** -exponent;
  let units = Math.floor(x * scale);
  if (units / scale > x) units--;
  return rational(BigInt(units), 10n ** BigInt(-exponent));
}
