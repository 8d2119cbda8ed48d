import assert from "node:assert/strict";
import { test } from "node:test";
import { isqrt, parseRational, rat, toNumber } from "../../kernel/rational.ts";
import { roundDownSignificant, roundUpSignificant } from "./rational.ts";

test("parses decimals, exponents and fractions exactly, in lowest terms", () => {
  assert.deepEqual(parseRational("2.5"), { n: 5n, d: 2n });
  assert.deepEqual(parseRational("-0.125"), { n: -1n, d: 8n });
  assert.deepEqual(parseRational("1e3"), { n: 1000n, d: 1n });
  assert.deepEqual(parseRational("1.5e-2"), { n: 3n, d: 200n });
  assert.deepEqual(parseRational("6/4"), { n: 3n, d: 2n });
  assert.deepEqual(parseRational("0.1"), { n: 1n, d: 10n });
  assert.deepEqual(rat(3n, -6n), { n: -1n, d: 2n });
});

test("refuses what is not a number", () => {
  for (const bad of ["", "abc", "1/0", "1..2", "NaN", "Infinity", "1e999"]) {
    assert.throws(() => parseRational(bad), RangeError, bad);
  }
});

test("isqrt is the floor of the square root", () => {
  for (const n of [0n, 1n, 2n, 3n, 4n, 15n, 16n, 17n, 10n ** 30n, 10n ** 30n - 1n]) {
    const r = isqrt(n);
    assert.ok(r * r <= n && (r + 1n) * (r + 1n) > n, `${n}`);
  }
  assert.throws(() => isqrt(-1n));
});

test("rounding to significant digits goes the declared way", () => {
  for (const x of [0.001234567, 1, 2.2360679, 353553.39, 1e12 / 3]) {
    const up = toNumber(roundUpSignificant(x));
    const down = toNumber(roundDownSignificant(x));
    assert.ok(up >= x && up <= x * 1.001, `${x} up ${up}`);
    assert.ok(down <= x && down >= x * 0.999, `${x} down ${down}`);
  }
  assert.deepEqual(roundUpSignificant(353553.39), { n: 353600n, d: 1n });
  assert.throws(() => roundUpSignificant(0));
  assert.throws(() => roundDownSignificant(Number.NaN));
});
