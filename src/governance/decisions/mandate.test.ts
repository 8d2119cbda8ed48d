/** A co-op's assembly result carried into a federation's decision (pure, choiceFromResult). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { count } from "./count.ts";
import { choiceFromResult } from "./mandate.ts";
import type { RuleSettings } from "./types.ts";

const tallyOf = (s: RuleSettings, choices: object[]) =>
  count(
    s,
    choices.map((choice) => ({ choice: choice as never })),
    { eligibleWeight: choices.length, seed: "x" },
  );

test("a ranking is carried by label, whatever the order of the options", () => {
  const s: RuleSettings = { rule: "schulze", options: ["Wind", "Solar", "Hydro"] };
  const tally = tallyOf(s, [
    { ranking: [2, 0, 1] },
    { ranking: [2, 0, 1] },
    { ranking: [0, 2, 1] },
  ]);
  assert.deepEqual(
    choiceFromResult(
      { rule: "irv", labels: ["Solar", "Wind", "Hydro"] },
      { rule: "schulze", labels: s.options, tally },
    ),
    { ok: true, value: { ranking: [2, 1, 0] } },
  );
  const irv: RuleSettings = { rule: "irv", options: ["Wind", "Solar", "Hydro"] };
  const irvTally = tallyOf(irv, [{ ranking: [1] }, { ranking: [1] }, { ranking: [0] }]);
  const carried = choiceFromResult(
    { rule: "schulze", labels: ["Solar", "Wind", "Hydro"] },
    { rule: "irv", labels: irv.options, tally: irvTally },
  );
  assert.ok(carried.ok);
  assert.deepEqual((carried.value as { ranking: number[] }).ranking[0], 0);
});

test("single and multiple carry the winners; an unknown label is left out", () => {
  const s: RuleSettings = { rule: "single", options: ["Yes", "No", "Later"] };
  const tally = tallyOf(s, [{ option: 2 }, { option: 2 }, { option: 0 }]);
  assert.deepEqual(
    choiceFromResult(
      { rule: "single", labels: ["Later", "Yes"] },
      { rule: "single", labels: s.options, tally },
    ),
    { ok: true, value: { option: 0 } },
  );
  assert.deepEqual(
    choiceFromResult(
      { rule: "single", labels: ["Other"] },
      { rule: "single", labels: s.options, tally },
    ),
    { ok: false, reason: "incompatible" },
  );
});

test("consent carries consent: a block stays a block, a pass is agree", () => {
  const s: RuleSettings = { rule: "consent", options: [] };
  const blocked = tallyOf(s, [{ position: "agree" }, { position: "block", reason: "no" }]);
  assert.equal(
    (
      choiceFromResult(
        { rule: "consent", labels: [] },
        { rule: "consent", labels: [], tally: blocked },
      ) as { value: { position: string } }
    ).value.position,
    "block",
  );
  const passed = tallyOf(s, [{ position: "agree" }, { position: "agree" }]);
  assert.deepEqual(
    choiceFromResult(
      { rule: "consent", labels: [] },
      { rule: "consent", labels: [], tally: passed },
    ),
    {
      ok: true,
      value: { position: "agree" },
    },
  );
  // Consent and a poll do not mix.
  assert.deepEqual(
    choiceFromResult(
      { rule: "single", labels: ["A"] },
      { rule: "consent", labels: [], tally: passed },
    ),
    { ok: false, reason: "incompatible" },
  );
});
