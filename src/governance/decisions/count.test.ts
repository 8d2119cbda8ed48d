import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { RULES } from "./constants.ts";
import { count } from "./count.ts";
import type { Ballot, RuleSettings } from "./types.ts";
import { validateChoice } from "./validate.ts";

/** Raw choices of every shape; validateChoice keeps the ones valid for the rule. */
const rawChoice = (n: number) =>
  fc.oneof(
    fc.record({
      position: fc.constantFrom("agree", "abstain", "disagree", "block"),
      reason: fc.constantFrom("", "why not"),
    }),
    fc.record({ option: fc.nat(n - 1) }),
    fc.record({ options: fc.uniqueArray(fc.nat(n - 1), { maxLength: n }) }),
    fc.record({ scores: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }) }),
    fc.record({ dots: fc.array(fc.nat(4), { minLength: n, maxLength: n }) }),
    fc.record({ ranking: fc.uniqueArray(fc.nat(n - 1), { minLength: 1, maxLength: n }) }),
    fc.record({
      answers: fc.array(fc.constantFrom("yes", "maybe", "no"), { minLength: n, maxLength: n }),
    }),
  );

const cases = fc.integer({ min: 2, max: 5 }).chain((n) =>
  fc.record({
    settings: fc.record(
      {
        rule: fc.constantFrom(...RULES),
        options: fc.constant(Array.from({ length: n }, (_, i) => `o${i}`)),
        quorum: fc.double({ min: 0, max: 1, noNaN: true }),
        threshold: fc.double({ min: 0, max: 1, noNaN: true }),
      },
      { requiredKeys: ["rule", "options"] },
    ),
    raw: fc.array(fc.record({ choice: rawChoice(n), weight: fc.integer({ min: 1, max: 3 }) }), {
      maxLength: 25,
    }),
    eligibleWeight: fc.nat(80),
    seed: fc.string({ maxLength: 8 }),
  }),
);

describe("count, whatever the rule", () => {
  it("is reproducible, JSON-serialisable and names a winner among the options", () => {
    fc.assert(
      fc.property(cases, ({ settings, raw, eligibleWeight, seed }) => {
        const s = settings as RuleSettings;
        const ballots: Ballot[] = raw.flatMap((b) => {
          const checked = validateChoice(s, b.choice);
          return checked.ok ? [{ choice: checked.value, weight: b.weight }] : [];
        });
        const t = count(s, ballots, { eligibleWeight, seed });
        assert.equal(t.rule, s.rule);
        assert.deepEqual(JSON.parse(JSON.stringify(t)), t);
        assert.deepEqual(count(s, ballots, { eligibleWeight, seed }), t);
        assert.equal(t.ballots, ballots.length);
        assert.ok(t.outcome.winners.length <= 1);
        for (const w of t.outcome.winners) assert.ok(w >= 0 && w < s.options.length);
        if (s.rule === "consent") assert.equal(typeof t.outcome.passed, "boolean");
        if (s.quorum === undefined && s.threshold === undefined && s.rule !== "consent")
          assert.equal(t.outcome.passed, null);
        if (t.outcome.passed) assert.ok(t.outcome.quorumMet);
      }),
      { numRuns: 300 },
    );
  });
});
