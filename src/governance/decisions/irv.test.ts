import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { count } from "./count.ts";
import { lotOrder } from "./lot.ts";
import { profile, ranked } from "./test-support.ts";
import type { IrvTally } from "./types.ts";

const irv = (n: number, lines: string[], seed = "") =>
  count(ranked("irv", n), profile(lines), { eligibleWeight: 100, seed }) as IrvTally;

describe("instant runoff", () => {
  // en.wikipedia.org/wiki/Instant-runoff_voting, "Tennessee capital" example
  // (per 100 voters): Memphis 42, Nashville 26, Chattanooga 15, Knoxville 17.
  // A = Memphis, B = Nashville, C = Chattanooga, D = Knoxville.
  it("the Tennessee capital example: Chattanooga, then Nashville out, Knoxville wins", () => {
    const t = irv(4, ["42 ABCD", "26 BCDA", "15 CDBA", "17 DCBA"]);
    assert.deepEqual(
      t.rounds.map((r) => r.votes),
      [
        [42, 26, 15, 17],
        [42, 26, null, 32],
        [42, null, null, 58],
      ],
    );
    assert.deepEqual(
      t.rounds.map((r) => r.eliminated),
      [2, 1, undefined],
    );
    assert.equal(t.rounds[2]?.elected, 3);
    assert.deepEqual(t.outcome.winners, [3]);
    assert.equal(t.outcome.tieBrokenBy, undefined);
  });

  it("a tie for fewest is broken by looking back to an earlier round", () => {
    // Round 1: A 5, B 3, C 2, D 1 → D out, its ballot goes to C.
    // Round 2: A 5, B 3, C 3: B and C tie; in round 1 C had fewer → C out.
    // Round 3: C's three ballots go to B: B 6 of 11 wins. Eliminating B
    // instead would have elected C: the tie rule decides the outcome.
    const t = irv(4, ["5 A", "3 BC", "2 CB", "1 DCB"]);
    assert.deepEqual(t.rounds[1]?.votes, [5, 3, 3, null]);
    assert.equal(t.rounds[1]?.eliminated, 2);
    assert.equal(t.rounds[1]?.tieBrokenBy, "lookback");
    assert.deepEqual(t.rounds[2]?.votes, [5, 6, null, null]);
    assert.deepEqual(t.outcome, {
      quorumMet: true,
      passed: null,
      winners: [1],
      tieBrokenBy: "lookback",
    });
  });

  it("looking back narrows round by round before the lot", () => {
    // Round 1: A 4, B 2, C 2, D 1, E 1 (D>B, E>C) → D and E tie, equal all the way back: lot.
    const lines = ["4 A", "2 BC", "2 CB", "1 DB", "1 EC"];
    const t = irv(5, lines, "s");
    assert.equal(t.rounds[0]?.tieBrokenBy, "lot");
    const lot = lotOrder("s", 5);
    const out = lot.indexOf(3) > lot.indexOf(4) ? 3 : 4;
    assert.equal(t.rounds[0]?.eliminated, out);
  });

  it("a tie nothing else breaks goes to the recorded lot, the same on every recount", () => {
    // Round 1: A 2, B 2, C 1 → C out and exhausted. Round 2: A 2, B 2, equal in round 1 too.
    const lines = ["2 A", "2 B", "1 C"];
    const winners = new Map<string, number>();
    for (const seed of ["a", "b", "c", "d", "e", "f", "g", "h"]) {
      const t = irv(3, lines, seed);
      assert.equal(t.rounds[1]?.tieBrokenBy, "lot");
      assert.equal(t.rounds[1]?.exhausted, 1);
      assert.equal(t.outcome.tieBrokenBy, "lot");
      const lot = lotOrder(seed, 3);
      const expected = lot.indexOf(0) < lot.indexOf(1) ? 0 : 1;
      assert.deepEqual(t.outcome.winners, [expected]);
      assert.deepEqual(irv(3, lines, seed), t);
      winners.set(seed, expected);
    }
    assert.deepEqual(new Set(winners.values()), new Set([0, 1]));
  });

  it("a tie among options with no votes is recorded in its round, not in the outcome", () => {
    // Round 1: A 2, B 2, C 1, D 0, E 0: D and E go one by one (the lot orders them), then C.
    const t = irv(5, ["2 A", "2 B", "1 CA"], "z");
    assert.equal(t.rounds[0]?.tieBrokenBy, "lot");
    assert.deepEqual(t.rounds.at(-1)?.votes, [3, 2, null, null, null]);
    assert.deepEqual(t.outcome, { quorumMet: true, passed: null, winners: [0] });
  });

  it("weights, quorum and threshold (the final round's share)", () => {
    const s = ranked("irv", 3, { quorum: 0.5, threshold: 0.6 });
    const ballots = [
      { choice: { ranking: [0] }, weight: 3 },
      { choice: { ranking: [1, 0] }, weight: 2 },
      { choice: { ranking: [2, 1] }, weight: 1 },
    ];
    const t = count(s, ballots, { eligibleWeight: 10 }) as IrvTally;
    assert.equal(t.weight, 6);
    assert.equal(t.turnout, 0.6);
    // Round 1: 3, 2, 1 → C out → B 3: 3 vs 3, a tie for fewest resolved by round 1 (B had 2);
    // B out: its A-ballot moves on, the other is exhausted. Round 3: A 5 of 5 continuing.
    assert.deepEqual(t.outcome, {
      quorumMet: true,
      passed: true,
      winners: [0],
      tieBrokenBy: "lookback",
    });
    assert.deepEqual(t.rounds[2], { votes: [5, null, null], exhausted: 1, elected: 0 });
    const low = count(s, ballots, { eligibleWeight: 13 });
    assert.equal(low.outcome.quorumMet, false);
    assert.equal(low.outcome.passed, false);
    // Tennessee: Knoxville ends with 58 % of the continuing ballots.
    const tennessee = profile(["42 ABCD", "26 BCDA", "15 CDBA", "17 DCBA"]);
    const at = (threshold: number) =>
      count(ranked("irv", 4, { threshold }), tennessee, { eligibleWeight: 100 }).outcome.passed;
    assert.equal(at(0.58), true);
    assert.equal(at(0.6), false);
  });

  it("nobody voted: no rounds, no winner", () => {
    const t = irv(3, []);
    assert.deepEqual(t.rounds, []);
    assert.deepEqual(t.outcome.winners, []);
  });
});

describe("instant runoff properties", () => {
  it("with two options it is the majority (ties to the lot)", () => {
    fc.assert(
      fc.property(fc.nat(20), fc.nat(20), fc.string(), (a, b, seed) => {
        fc.pre(a + b > 0);
        const lines = [`${a} AB`, `${b} BA`].filter((l) => !l.startsWith("0 "));
        const t = irv(2, lines, seed);
        if (a !== b) assert.deepEqual(t.outcome.winners, [a > b ? 0 : 1]);
        else assert.equal(t.outcome.tieBrokenBy, "lot");
      }),
    );
  });

  it("every round's votes plus exhausted add up to the weight cast", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(
              fc.shuffledSubarray(
                Array.from({ length: n }, (_, i) => i),
                { minLength: 1 },
              ),
              { minLength: 1, maxLength: 30 },
            ),
          ),
        ),
        ([n, rankings]) => {
          const t = count(
            ranked("irv", n),
            rankings.map((ranking) => ({ choice: { ranking } })),
            { eligibleWeight: 100 },
          ) as IrvTally;
          for (const r of t.rounds) {
            const sum = r.votes.reduce<number>((acc, v) => acc + (v ?? 0), 0);
            assert.equal(sum + r.exhausted, rankings.length);
          }
          assert.equal(t.outcome.winners.length, 1);
          assert.equal(t.rounds.at(-1)?.elected, t.outcome.winners[0]);
        },
      ),
    );
  });
});
