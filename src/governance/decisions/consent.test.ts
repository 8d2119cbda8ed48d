import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { count } from "./count.ts";
import type {
  Ballot,
  ConsentChoice,
  ConsentPosition,
  ConsentTally,
  RuleSettings,
} from "./types.ts";

const settings = (more: Partial<RuleSettings> = {}): RuleSettings => ({
  rule: "consent",
  options: [],
  ...more,
});
const votes = (spec: Partial<Record<ConsentPosition, number>>, weight?: number) =>
  Object.entries(spec).flatMap(([position, times]) =>
    Array.from(
      { length: times },
      (): Ballot<ConsentChoice> => ({
        choice: { position: position as ConsentPosition, reason: "because" },
        ...(weight !== undefined ? { weight } : {}),
      }),
    ),
  );
const consent = (s: RuleSettings, b: Ballot[], eligibleWeight = 10) =>
  count(s, b, { eligibleWeight }) as ConsentTally;

describe("consent", () => {
  it("passes with agreement and no block; disagreeing stands aside", () => {
    const t = consent(settings(), votes({ agree: 4, abstain: 2, disagree: 3 }));
    assert.deepEqual(t.positions, { agree: 4, abstain: 2, disagree: 3, block: 0 });
    assert.equal(t.agreeShare, 4 / 7);
    assert.equal(t.blocked, false);
    assert.deepEqual(t.outcome, { quorumMet: true, passed: true, winners: [] });
  });

  it("one block stops it", () => {
    const t = consent(settings(), votes({ agree: 8, block: 1 }));
    assert.equal(t.blocked, true);
    assert.equal(t.outcome.passed, false);
  });

  it("blocksToStop: a block needs N blockers (by weight)", () => {
    const s = settings({ blocksToStop: 2 });
    assert.equal(consent(s, votes({ agree: 8, block: 1 })).outcome.passed, true);
    assert.equal(consent(s, votes({ agree: 8, block: 2 })).outcome.passed, false);
    // A delegate carrying two members' weight blocks alone.
    assert.equal(
      consent(s, [...votes({ agree: 3 }), ...votes({ block: 1 }, 2)]).outcome.passed,
      false,
    );
  });

  it("threshold is the agree share of those who took a side", () => {
    const s = settings({ threshold: 0.75 });
    assert.equal(consent(s, votes({ agree: 3, disagree: 1, abstain: 5 })).outcome.passed, true);
    assert.equal(consent(s, votes({ agree: 2, disagree: 1, abstain: 5 })).outcome.passed, false);
  });

  it("quorum counts everyone who voted, abstentions too", () => {
    const s = settings({ quorum: 0.5 });
    const met = consent(s, votes({ agree: 1, abstain: 4 }));
    assert.equal(met.turnout, 0.5);
    assert.deepEqual(met.outcome, { quorumMet: true, passed: true, winners: [] });
    const missed = consent(s, votes({ agree: 1, abstain: 3 }));
    assert.deepEqual(missed.outcome, { quorumMet: false, passed: false, winners: [] });
  });

  it("nobody agreeing, or nobody voting, does not pass", () => {
    assert.equal(consent(settings(), votes({ abstain: 3 })).outcome.passed, false);
    assert.equal(consent(settings(), []).outcome.passed, false);
    assert.equal(consent(settings(), [], 0).turnout, 0);
  });

  it("refuses a nonsense weight instead of counting it", () => {
    assert.throws(() => consent(settings(), votes({ agree: 1 }, -1)), RangeError);
    assert.throws(() => consent(settings(), votes({ agree: 1 }, Number.NaN)), RangeError);
  });
});
