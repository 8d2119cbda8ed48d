import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { count } from "./count.ts";
import { lotOrder } from "./lot.ts";
import { letters, profile, ranked } from "./test-support.ts";
import type { SchulzeTally } from "./types.ts";

const schulze = (n: number, lines: string[], seed = "") =>
  count(ranked("schulze", n), profile(lines), { eligibleWeight: 100, seed }) as SchulzeTally;

// Worked examples from M. Schulze, "The Schulze Method of Voting",
// arXiv:1804.02973, section 3 (examples 1–4); example 1 with its d and p
// matrices is also on en.wikipedia.org/wiki/Schulze_method and on
// Schulze's own page "User:MarkusSchulze/Schulze method examples".
describe("Schulze's worked examples", () => {
  it("example 1 (45 voters, A–E): d, p and the ranking E > A > C > B > D", () => {
    const t = schulze(5, [
      "5 ACBED",
      "5 ADECB",
      "8 BEDAC",
      "3 CABED",
      "7 CAEBD",
      "2 CBADE",
      "7 DCEBA",
      "8 EBADC",
    ]);
    assert.deepEqual(t.d, [
      [0, 20, 26, 30, 22],
      [25, 0, 16, 33, 18],
      [19, 29, 0, 17, 24],
      [15, 12, 28, 0, 14],
      [23, 27, 21, 31, 0],
    ]);
    assert.deepEqual(t.p, [
      [0, 28, 28, 30, 24],
      [25, 0, 28, 33, 24],
      [25, 29, 0, 29, 24],
      [25, 28, 28, 0, 24],
      [25, 28, 28, 31, 0],
    ]);
    assert.equal(letters(t.order), "EACBD");
    assert.deepEqual(t.outcome.winners, [4]);
    assert.deepEqual(t.potentialWinners, [4]);
    assert.equal(t.outcome.tieBrokenBy, undefined);
    assert.equal(t.outcome.passed, null);
  });

  it("example 2 (30 voters, A–D): D > A > C > B", () => {
    const t = schulze(4, [
      "5 ACBD",
      "2 ACDB",
      "3 ADCB",
      "4 BACD",
      "3 CBDA",
      "3 CDBA",
      "1 DACB",
      "5 DBAC",
      "4 DCBA",
    ]);
    assert.equal(letters(t.order), "DACB");
  });

  it("example 3 (30 voters, A–E): B > A > D > E > C", () => {
    const t = schulze(5, [
      "3 ABDEC",
      "5 ADEBC",
      "1 ADECB",
      "2 BADEC",
      "2 BDECA",
      "4 CABDE",
      "6 CBADE",
      "2 DBECA",
      "5 DECAB",
    ]);
    assert.equal(letters(t.order), "BADEC");
  });

  it("example 4 (9 voters): B and D tie, the recorded lot picks one of them", () => {
    const lines = ["3 ABCD", "2 DABC", "2 DBCA", "2 CBDA"];
    const t = schulze(4, lines, "decision-42");
    assert.deepEqual(t.potentialWinners, [1, 3]);
    assert.equal(t.outcome.tieBrokenBy, "lot");
    const lot = lotOrder("decision-42", 4);
    const expected = lot.find((i) => i === 1 || i === 3);
    assert.deepEqual(t.outcome.winners, [expected]);
    // The same seed gives the same count; the ranking keeps {B, D} above {A, C}.
    assert.deepEqual(schulze(4, lines, "decision-42"), t);
    assert.deepEqual(new Set(t.order.slice(0, 2)), new Set([1, 3]));
    // Some seed favours B and some D: the lot really decides.
    const picks = new Set(
      ["a", "b", "c", "d", "e", "f", "g", "h"].map((s) => schulze(4, lines, s).outcome.winners[0]),
    );
    assert.deepEqual(picks, new Set([1, 3]));
  });
});

describe("Schulze on partial and weighted ballots", () => {
  it("ranks a ranked option above unranked ones, unranked ones equal", () => {
    const t = count(ranked("schulze", 3), [{ choice: { ranking: [2] } }], {
      eligibleWeight: 1,
    }) as SchulzeTally;
    assert.deepEqual(t.d, [
      [0, 0, 0],
      [0, 0, 0],
      [1, 1, 0],
    ]);
    assert.deepEqual(t.outcome.winners, [2]);
  });

  it("a delegate's weight counts like that many voters", () => {
    const weighted = count(
      ranked("schulze", 3),
      [
        { choice: { ranking: [0, 1, 2] }, weight: 3 },
        { choice: { ranking: [1, 2, 0] }, weight: 2 },
      ],
      { eligibleWeight: 5 },
    ) as SchulzeTally;
    const spelled = schulze(3, ["3 ABC", "2 BCA"]);
    assert.deepEqual(weighted.d, spelled.d);
    assert.deepEqual(weighted.p, spelled.p);
    assert.deepEqual(weighted.outcome, { ...spelled.outcome });
  });

  it("threshold: the winner's weakest head-to-head share", () => {
    const settings = ranked("schulze", 3, { threshold: 0.6 });
    const ballots = profile(["3 ABC", "2 BCA"]);
    const t = count(settings, ballots, { eligibleWeight: 5 });
    assert.deepEqual(t.outcome.winners, [0]);
    assert.equal(t.outcome.passed, true); // A beats B 3–2 and C 3–2: 60 %
    const stricter = count({ ...settings, threshold: 0.61 }, ballots, { eligibleWeight: 5 });
    assert.equal(stricter.outcome.passed, false);
  });

  it("nobody voted: no winner", () => {
    const t = count(ranked("schulze", 3), [], { eligibleWeight: 5 });
    assert.deepEqual(t.outcome.winners, []);
  });
});

/** Random profiles: up to 6 options, up to 12 distinct partial rankings with small weights. */
const profiles = fc.integer({ min: 2, max: 6 }).chain((n) =>
  fc.tuple(
    fc.constant(n),
    fc.array(
      fc.record({
        ranking: fc.shuffledSubarray(
          Array.from({ length: n }, (_, i) => i),
          { minLength: 1 },
        ),
        weight: fc.integer({ min: 1, max: 5 }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
  ),
);

describe("Schulze properties", () => {
  it("elects the Condorcet winner whenever there is one", () => {
    fc.assert(
      fc.property(profiles, fc.string(), ([n, raw], seed) => {
        const ballots = raw.map((b) => ({ choice: { ranking: b.ranking }, weight: b.weight }));
        const t = count(ranked("schulze", n), ballots, {
          eligibleWeight: 100,
          seed,
        }) as SchulzeTally;
        const condorcet = Array.from({ length: n }, (_, i) => i).find((i) =>
          t.d[i]?.every((dij, j) => i === j || dij > (t.d[j]?.[i] as number)),
        );
        if (condorcet !== undefined) assert.deepEqual(t.outcome.winners, [condorcet]);
        assert.ok(t.potentialWinners.includes(t.outcome.winners[0] as number));
        assert.equal(new Set(t.order).size, n);
      }),
    );
  });

  it("d matches the definition, counted naively voter by voter", () => {
    fc.assert(
      fc.property(profiles, ([n, raw]) => {
        const ballots = raw.map((b) => ({ choice: { ranking: b.ranking }, weight: b.weight }));
        const { d } = count(ranked("schulze", n), ballots, { eligibleWeight: 100 }) as SchulzeTally;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            let naive = 0;
            for (const b of ballots) {
              const pi = b.choice.ranking.indexOf(i);
              const pj = b.choice.ranking.indexOf(j);
              if (i !== j && pi >= 0 && (pj < 0 || pi < pj)) naive += b.weight;
            }
            assert.equal(d[i]?.[j], naive);
          }
      }),
    );
  });

  it("p[i][j] ≥ min(p[i][k], p[k][j]): strongest paths are closed", () => {
    fc.assert(
      fc.property(profiles, ([n, raw]) => {
        const ballots = raw.map((b) => ({ choice: { ranking: b.ranking }, weight: b.weight }));
        const { p } = count(ranked("schulze", n), ballots, { eligibleWeight: 100 }) as SchulzeTally;
        const at = (i: number, j: number) => p[i]?.[j] as number;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++)
            for (let k = 0; k < n; k++)
              if (i !== j && i !== k && j !== k)
                assert.ok(at(i, j) >= Math.min(at(i, k), at(k, j)));
      }),
    );
  });
});
