import assert from "node:assert/strict";
import { test } from "node:test";
import {
  bitLength,
  cryptoByteSource,
  seededByteSource,
  uniformBelow,
  uniformBelowBig,
} from "./random.ts";
import { chiSquareCritical } from "./stats.ts";

test("bitLength counts bits up to 2^53", () => {
  assert.equal(bitLength(0), 0);
  assert.equal(bitLength(1), 1);
  assert.equal(bitLength(255), 8);
  assert.equal(bitLength(256), 9);
  assert.equal(bitLength(2 ** 32), 33);
  assert.equal(bitLength(Number.MAX_SAFE_INTEGER), 53);
});

test("uniformBelow is uniform (chi-square, p = 1e-4) for awkward bounds", () => {
  const source = seededByteSource("uniform");
  for (const m of [3, 7, 10, 257, 1000]) {
    const counts = new Array<number>(m).fill(0);
    const n = 200 * m;
    for (let i = 0; i < n; i++) {
      const u = uniformBelow(source, m);
      assert.ok(u >= 0 && u < m && Number.isInteger(u));
      counts[u] = (counts[u] ?? 0) + 1;
    }
    const statistic = counts.reduce((s, c) => s + (c - 200) ** 2 / 200, 0);
    assert.ok(statistic < chiSquareCritical(1e-4, m - 1), `m=${m}: χ² = ${statistic}`);
  }
});

test("a biased generator (modulo reduction of a byte) fails the same check", () => {
  const source = seededByteSource("biased");
  const m = 100;
  const counts = new Array<number>(m).fill(0);
  const n = 200 * m;
  for (let i = 0; i < n; i++) {
    const u = source.nextByte() % m;
    counts[u] = (counts[u] ?? 0) + 1;
  }
  const statistic = counts.reduce((s, c) => s + (c - 200) ** 2 / 200, 0);
  assert.ok(statistic > chiSquareCritical(1e-4, m - 1));
});

test("the Number and BigInt versions draw the same bytes and values", () => {
  const a = seededByteSource(42);
  const b = seededByteSource(42);
  for (const m of [1, 2, 3, 1000, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
    for (let i = 0; i < 200; i++)
      assert.equal(BigInt(uniformBelow(a, m)), uniformBelowBig(b, BigInt(m)));
  }
  assert.equal(a.nextByte(), b.nextByte());
});

test("uniformBelowBig handles bounds beyond 2^53", () => {
  const source = seededByteSource("big");
  const m = 10n ** 30n + 7n;
  let above = 0;
  for (let i = 0; i < 2000; i++) {
    const u = uniformBelowBig(source, m);
    assert.ok(u >= 0n && u < m);
    if (u > m / 2n) above++;
  }
  assert.ok(above > 900 && above < 1100, `${above}`);
});

test("bad bounds are refused", () => {
  const source = seededByteSource(1);
  assert.throws(() => uniformBelow(source, 0), /bad bound/);
  assert.throws(() => uniformBelow(source, 1.5), /bad bound/);
  assert.throws(() => uniformBelow(source, 2 ** 60), /bad bound/);
  assert.throws(() => uniformBelowBig(source, 0n), /bad bound/);
});

test("seeded streams repeat; crypto streams differ", () => {
  const take = (s: { nextByte(): number }) => Array.from({ length: 64 }, () => s.nextByte());
  assert.deepEqual(take(seededByteSource("s")), take(seededByteSource("s")));
  assert.notDeepEqual(take(seededByteSource("s")), take(seededByteSource("t")));
  assert.notDeepEqual(take(cryptoByteSource()), take(cryptoByteSource()));
  // Across a 64 KiB refill the stream goes on.
  const source = cryptoByteSource();
  for (let i = 0; i < 70_000; i++) assert.ok(source.nextByte() < 256);
});
