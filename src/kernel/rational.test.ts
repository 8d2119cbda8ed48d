import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { add, cmp, div, mul, parseDecimal, rat, sub, toDecimal, toFraction } from "./rational.ts";

describe("rationals", () => {
  it("keep lowest terms and a positive denominator", () => {
    assert.deepEqual(rat(6n, -4n), { n: -3n, d: 2n });
    assert.equal(toFraction(add(rat(1n, 3n), rat(1n, 6n))), "1/2");
    assert.equal(toFraction(sub(rat(1n, 3n), rat(1n, 3n))), "0");
    assert.equal(toFraction(div(mul(rat(2n, 3n), rat(9n, 4n)), rat(3n, 2n))), "1");
    assert.throws(() => rat(1n, 0n), RangeError);
  });

  it("compare exactly where floats cannot", () => {
    const big = 2n ** 60n;
    assert.equal(cmp(rat(big + 1n, big), rat(big + 2n, big + 1n)), 1);
    assert.equal(Number(big + 1n) / Number(big) === Number(big + 2n) / Number(big + 1n), true);
  });

  it("parse decimals and print them rounded half away from zero", () => {
    assert.equal(toFraction(parseDecimal("3.25") ?? rat(0n)), "13/4");
    assert.equal(toFraction(parseDecimal("-1e3") ?? rat(0n)), "-1000");
    assert.equal(toFraction(parseDecimal(" 007 ") ?? rat(0n)), "7");
    for (const bad of ["", "1,5", "abc", "1e", "--1", "1.2.3"])
      assert.equal(parseDecimal(bad), undefined, bad);
    assert.equal(toDecimal(rat(1n, 200n)), "0.01");
    assert.equal(toDecimal(rat(-1n, 200n)), "-0.01");
    assert.equal(toDecimal(rat(1n, 3n), 4), "0.3333");
    assert.equal(toDecimal(rat(-1n, 1000n)), "0.00");
  });
});
