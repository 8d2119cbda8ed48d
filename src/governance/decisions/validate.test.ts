import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_OPTIONS } from "./constants.ts";
import type { RuleSettings } from "./types.ts";
import { validateChoice, validateSettings } from "./validate.ts";

const s = (rule: RuleSettings["rule"], more: Partial<RuleSettings> = {}): RuleSettings => ({
  rule,
  options: ["a", "b", "c"],
  ...more,
});
const reason = (rule: RuleSettings["rule"], raw: unknown, more: Partial<RuleSettings> = {}) => {
  const r = validateChoice(s(rule, more), raw);
  return r.ok ? "ok" : r.reason;
};

describe("validateChoice", () => {
  it("consent: a reason is required to disagree or block", () => {
    assert.equal(reason("consent", { position: "agree" }), "ok");
    assert.equal(reason("consent", { position: "block" }), "reason-required");
    assert.equal(reason("consent", { position: "disagree", reason: "   " }), "reason-required");
    assert.equal(reason("consent", { position: "block", reason: "harms the commons" }), "ok");
    assert.equal(reason("consent", { position: "veto" }), "unknown-position");
    assert.equal(
      reason("consent", { position: "agree", reason: "x".repeat(5001) }),
      "reason-too-long",
    );
    const r = validateChoice(s("consent"), { position: "block", reason: " why ", extra: 1 });
    assert.deepEqual(r, { ok: true, value: { position: "block", reason: "why" } });
  });

  it("single", () => {
    assert.equal(reason("single", { option: 2 }), "ok");
    assert.equal(reason("single", { option: 3 }), "option-out-of-range");
    assert.equal(reason("single", { option: 1.5 }), "option-out-of-range");
    assert.equal(reason("single", { option: "1" }), "option-out-of-range");
    assert.equal(reason("single", {}), "wrong-shape");
    assert.equal(reason("single", null), "not-an-object");
    assert.equal(reason("single", [1]), "not-an-object");
  });

  it("multiple: min and max", () => {
    const m = { minChoices: 2, maxChoices: 2 };
    assert.equal(reason("multiple", { options: [0, 2] }, m), "ok");
    assert.equal(reason("multiple", { options: [0] }, m), "too-few-choices");
    assert.equal(reason("multiple", { options: [0, 1, 2] }, m), "too-many-choices");
    assert.equal(reason("multiple", { options: [0, 0] }, m), "repeated-option");
    assert.equal(reason("multiple", { options: [] }), "too-few-choices");
  });

  it("score: one integer per option within the range", () => {
    assert.equal(reason("score", { scores: [0, 5, 3] }), "ok");
    assert.equal(reason("score", { scores: [0, 6, 3] }), "score-out-of-range");
    assert.equal(reason("score", { scores: [0, 5] }), "wrong-length");
    assert.equal(reason("score", { scores: [0, 2.5, 3] }), "not-an-integer");
    assert.equal(reason("score", { scores: [-3, 3, 0] }, { scoreMin: -3, scoreMax: 3 }), "ok");
  });

  it("dot: no more dots than given", () => {
    assert.equal(reason("dot", { dots: [5, 5, 0] }), "ok");
    assert.equal(reason("dot", { dots: [5, 5, 1] }), "too-many-dots");
    assert.equal(reason("dot", { dots: [11, 0, 0] }), "too-many-dots");
    assert.equal(reason("dot", { dots: [-1, 0, 0] }), "too-many-dots");
  });

  it("ranked: partial allowed, no repeats, not empty", () => {
    for (const rule of ["irv", "schulze"] as const) {
      assert.equal(reason(rule, { ranking: [2, 0] }), "ok");
      assert.equal(reason(rule, { ranking: [2, 2] }), "repeated-option");
      assert.equal(reason(rule, { ranking: [] }), "empty-ranking");
      assert.equal(reason(rule, { ranking: [0, 1, 2, 3] }), "too-many-choices");
      assert.equal(reason(rule, { ranking: "0,1" }), "wrong-shape");
    }
  });

  it("time: one answer per option", () => {
    assert.equal(reason("time", { answers: ["yes", "maybe", "no"] }), "ok");
    assert.equal(reason("time", { answers: ["yes", "perhaps", "no"] }), "unknown-answer");
    assert.equal(reason("time", { answers: ["yes"] }), "wrong-length");
  });

  it("copies only known fields (no prototype tricks ride along)", () => {
    const raw = JSON.parse('{"option": 1, "__proto__": {"polluted": true}}');
    const r = validateChoice(s("single"), raw);
    assert.deepEqual(r, { ok: true, value: { option: 1 } });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe("validateSettings", () => {
  it("accepts sane settings and names the first problem otherwise", () => {
    assert.equal(validateSettings(s("irv")).ok, true);
    const bad = (raw: unknown) => {
      const r = validateSettings(raw);
      return r.ok ? "ok" : r.reason;
    };
    assert.match(bad({ rule: "borda", options: ["a", "b"] }), /^rule:/);
    assert.match(bad({ rule: "single", options: ["a"] }), /two options/);
    assert.match(bad({ ...s("single"), quorum: 1.5 }), /^quorum:/);
    assert.match(bad({ ...s("multiple"), minChoices: 3, maxChoices: 2 }), /minChoices/);
    assert.match(bad({ ...s("score"), scoreMin: 5, scoreMax: 5 }), /scoreMin/);
    assert.match(bad({ ...s("single"), options: Array(MAX_OPTIONS + 1).fill("x") }), /^options:/);
    assert.match(bad({ ...s("single"), extra: true }), /extra|Unrecognized/i);
  });
});
