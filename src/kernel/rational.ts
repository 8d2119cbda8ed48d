/**
 * Exact rational numbers on BigInt, always in lowest terms with a positive
 * denominator. Used wherever rounding must not decide anything: budgeting
 * outcomes (no float may decide who wins) and noise parameters (the exact
 * samplers of Canonne, Kamath & Steinke 2020 take rationals).
 */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

export function rat(n: bigint, d = 1n): Rational {
  if (d === 0n) throw new RangeError("division by zero");
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  if (d === 1n) return { n, d };
  const g = gcd(n, d);
  return g === 1n ? { n, d } : { n: n / g, d: d / g };
}

export const ZERO: Rational = { n: 0n, d: 1n };

export function add(a: Rational, b: Rational): Rational {
  if (a.d === b.d) return rat(a.n + b.n, a.d);
  return rat(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function sub(a: Rational, b: Rational): Rational {
  if (a.d === b.d) return rat(a.n - b.n, a.d);
  return rat(a.n * b.d - b.n * a.d, a.d * b.d);
}

export function mul(a: Rational, b: Rational): Rational {
  return rat(a.n * b.n, a.d * b.d);
}

export function mulInt(a: Rational, k: bigint): Rational {
  return rat(a.n * k, a.d);
}

export function div(a: Rational, b: Rational): Rational {
  return rat(a.n * b.d, a.d * b.n);
}

/** Sign of a - b: -1, 0 or 1. */
export function cmp(a: Rational, b: Rational): number {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function isZero(a: Rational): boolean {
  return a.n === 0n;
}

export function toNumber(a: Rational): number {
  // Divide with enough precision that huge numerators and denominators do not overflow.
  const scale = 10n ** 18n;
  const whole = a.n / a.d;
  const frac = ((a.n % a.d) * scale) / a.d;
  return Number(whole) + Number(frac) / 1e18;
}

/** A decimal string with `digits` places, rounded half away from zero. */
export function toDecimal(a: Rational, digits = 2): string {
  const scale = 10n ** BigInt(digits);
  const neg = a.n < 0n;
  const abs = neg ? -a.n : a.n;
  const scaled = (abs * scale * 2n + a.d) / (2n * a.d);
  const whole = scaled / scale;
  const frac = (scaled % scale).toString().padStart(digits, "0");
  const text = digits > 0 ? `${whole}.${frac}` : `${whole}`;
  return neg && scaled !== 0n ? `-${text}` : text;
}

/** "n" or "n/d", the exact value. */
export function toFraction(a: Rational): string {
  return a.d === 1n ? `${a.n}` : `${a.n}/${a.d}`;
}

/**
 * Parses a decimal such as "12", "-3.50" or "1e3" into an exact rational, or
 * returns undefined when the text is not a plain decimal number.
 */
export function parseDecimal(text: string): Rational | undefined {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const [, sign = "", whole = "0", frac = "", exp = "0"] = m;
  let n = BigInt(whole + frac);
  let d = 10n ** BigInt(frac.length);
  const e = Number(exp);
  if (Math.abs(e) > 100) return undefined;
  if (e > 0) n *= 10n ** BigInt(e);
  else if (e < 0) d *= 10n ** BigInt(-e);
  return rat(sign === "-" ? -n : n, d);
}

/** Parses "2.5", "-0.125", "1e-3" or "5/2" exactly; throws a RangeError on anything else. */
export function parseRational(text: string): Rational {
  const fraction = /^([+-]?\d+)\/(\d+)$/.exec(text.trim());
  if (fraction) return rat(BigInt(fraction[1] ?? ""), BigInt(fraction[2] ?? ""));
  const decimal = parseDecimal(text);
  if (!decimal) throw new RangeError(`not a number: "${text}"`);
  return decimal;
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
