import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { count } from "./count.ts";
import { lotOrder } from "./lot.ts";
import type {
  DotTally,
  MultipleTally,
  RuleSettings,
  ScoreTally,
  SingleTally,
  TimeTally,
} from "./types.ts";

const opts = (n: number) => Array.from({ length: n }, (_, i) => `option ${i}`);
const at = (
  rule: RuleSettings["rule"],
  n: number,
  more: Partial<RuleSettings> = {},
): RuleSettings => ({
  rule,
  options: opts(n),
  ...more,
});

describe("single choice", () => {
  it("most votes wins; shares of the weight cast; weights count", () => {
    const t = count(
      at("single", 3),
      [{ choice: { option: 0 } }, { choice: { option: 2 } }, { choice: { option: 2 }, weight: 2 }],
      { eligibleWeight: 8 },
    ) as SingleTally;
    assert.deepEqual(t.votes, [1, 0, 3]);
    assert.deepEqual(t.shares, [0.25, 0, 0.75]);
    assert.deepEqual(t.order, [2, 0, 1]);
    assert.deepEqual(t.outcome, { quorumMet: true, passed: null, winners: [2] });
    assert.equal(t.turnout, 0.5);
  });

  it("threshold: the top option's share", () => {
    const ballots = [
      { choice: { option: 0 } },
      { choice: { option: 0 } },
      { choice: { option: 1 } },
    ];
    assert.equal(
      count(at("single", 2, { threshold: 0.66 }), ballots, { eligibleWeight: 3 }).outcome.passed,
      true,
    );
    assert.equal(
      count(at("single", 2, { threshold: 0.7 }), ballots, { eligibleWeight: 3 }).outcome.passed,
      false,
    );
  });

  it("a tie goes to the lot", () => {
    const ballots = [{ choice: { option: 0 } }, { choice: { option: 1 } }];
    const t = count(at("single", 2), ballots, { eligibleWeight: 2, seed: "x" });
    assert.equal(t.outcome.tieBrokenBy, "lot");
    assert.deepEqual(t.outcome.winners, [lotOrder("x", 2)[0]]);
  });
});

describe("multiple choice", () => {
  it("counts each chosen option; share is of voters", () => {
    const t = count(
      at("multiple", 3, { minChoices: 1, maxChoices: 2 }),
      [
        { choice: { options: [0, 1] } },
        { choice: { options: [1] } },
        { choice: { options: [1, 2] } },
      ],
      { eligibleWeight: 3 },
    ) as MultipleTally;
    assert.deepEqual(t.votes, [1, 3, 1]);
    assert.deepEqual(t.shares, [1 / 3, 1, 1 / 3]);
    assert.deepEqual(t.outcome.winners, [1]);
  });
});

describe("score", () => {
  it("shows weighted mean and median; highest mean wins", () => {
    const t = count(
      at("score", 2, { scoreMin: 0, scoreMax: 10 }),
      [
        { choice: { scores: [10, 4] } },
        { choice: { scores: [0, 5] } },
        { choice: { scores: [2, 6] } },
        { choice: { scores: [8, 5] }, weight: 2 },
      ],
      { eligibleWeight: 5 },
    ) as ScoreTally;
    assert.deepEqual(t.sums, [28, 25]);
    assert.deepEqual(t.means, [5.6, 5]);
    // A's scores by weight: 0, 2, 8, 8, 10 → 8; B's: 4, 5, 5, 5, 6 → 5.
    assert.deepEqual(t.medians, [8, 5]);
    assert.deepEqual(t.outcome.winners, [0]);
  });

  it("an even split takes the midpoint, as the textbook median does", () => {
    const t = count(
      at("score", 2),
      [{ choice: { scores: [1, 5] } }, { choice: { scores: [4, 5] } }],
      { eligibleWeight: 2 },
    ) as ScoreTally;
    assert.deepEqual(t.medians, [2.5, 5]);
  });

  it("equal means: the higher median wins, not the lot", () => {
    const t = count(
      at("score", 2, { scoreMin: -2, scoreMax: 2 }),
      [
        { choice: { scores: [-2, 0] } },
        { choice: { scores: [1, 0] } },
        { choice: { scores: [1, 0] } },
      ],
      { eligibleWeight: 3 },
    ) as ScoreTally;
    assert.deepEqual(t.means, [0, 0]);
    assert.deepEqual(t.medians, [1, 0]);
    assert.deepEqual(t.outcome, { quorumMet: true, passed: null, winners: [0] });
  });

  it("threshold places the winner's mean on the range", () => {
    const s = at("score", 2, { scoreMin: 0, scoreMax: 4, threshold: 0.75 });
    const t = count(s, [{ choice: { scores: [3, 1] } }], { eligibleWeight: 1 });
    assert.equal(t.outcome.passed, true);
    assert.equal(
      count({ ...s, threshold: 0.8 }, [{ choice: { scores: [3, 1] } }], { eligibleWeight: 1 })
        .outcome.passed,
      false,
    );
  });
});

describe("dot", () => {
  it("adds weighted dots; shares are of all dots placed", () => {
    const t = count(
      at("dot", 3, { dots: 5 }),
      [{ choice: { dots: [5, 0, 0] } }, { choice: { dots: [1, 2, 2] }, weight: 2 }],
      { eligibleWeight: 3 },
    ) as DotTally;
    assert.deepEqual(t.dots, [7, 4, 4]);
    assert.deepEqual(t.shares, [7 / 15, 4 / 15, 4 / 15]);
    assert.deepEqual(t.outcome.winners, [0]);
  });

  it("no dots placed: no winner", () => {
    const t = count(at("dot", 2), [{ choice: { dots: [0, 0] } }], { eligibleWeight: 1 });
    assert.deepEqual(t.outcome.winners, []);
  });
});

describe("time poll", () => {
  it("most available wins; more yes breaks a tie", () => {
    const t = count(
      at("time", 3),
      [
        { choice: { answers: ["yes", "maybe", "no"] } },
        { choice: { answers: ["maybe", "yes", "no"] } },
        { choice: { answers: ["no", "yes", "yes"] } },
      ],
      { eligibleWeight: 3 },
    ) as TimeTally;
    assert.deepEqual(t.yes, [1, 2, 1]);
    assert.deepEqual(t.maybe, [1, 1, 0]);
    assert.deepEqual(t.no, [1, 0, 2]);
    assert.deepEqual(t.order, [1, 0, 2]);
    assert.deepEqual(t.outcome.winners, [1]);
  });

  it("threshold: share of voters available at the best time", () => {
    const s = at("time", 2, { threshold: 1 });
    const ballots = [
      { choice: { answers: ["yes", "no"] as ("yes" | "maybe" | "no")[] } },
      { choice: { answers: ["maybe", "yes"] as ("yes" | "maybe" | "no")[] } },
    ];
    assert.equal(count(s, ballots, { eligibleWeight: 2 }).outcome.passed, true);
    assert.equal(
      count(s, [...ballots, { choice: { answers: ["no", "no"] } }], { eligibleWeight: 3 }).outcome
        .passed,
      false,
    );
  });
});

describe("quorum on polls", () => {
  it("a poll with a quorum passes or fails on turnout; without one, passed is null", () => {
    const s = at("single", 2, { quorum: 0.5 });
    assert.equal(count(s, [{ choice: { option: 1 } }], { eligibleWeight: 2 }).outcome.passed, true);
    const low = count(s, [{ choice: { option: 1 } }], { eligibleWeight: 3 });
    assert.deepEqual(low.outcome, { quorumMet: false, passed: false, winners: [1] });
  });
});
