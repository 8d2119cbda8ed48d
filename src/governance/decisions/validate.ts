/**
 * Checks a raw choice (form, JSON, federation, ballot file) against a
 * decision's settings and returns a fresh, normalised choice: only known
 * fields are copied, sizes are capped, and every refusal has a kebab-case name.
 */

import { z } from "zod";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import {
  CONSENT_POSITIONS,
  MAX_DOTS,
  MAX_OPTIONS,
  MAX_REASON_LENGTH,
  MAX_SCORE_RANGE,
  RULES,
  TIME_ANSWERS,
} from "./constants.ts";
import type { BallotChoice, ConsentPosition, RuleSettings, TimeAnswer } from "./types.ts";

export type ChoiceProblem =
  | "not-an-object"
  | "wrong-shape"
  | "unknown-position"
  | "reason-required"
  | "reason-too-long"
  | "option-out-of-range"
  | "repeated-option"
  | "too-few-choices"
  | "too-many-choices"
  | "wrong-length"
  | "not-an-integer"
  | "score-out-of-range"
  | "too-many-dots"
  | "empty-ranking"
  | "unknown-answer";

const share = z.number().min(0).max(1);
const count = z.number().int().min(0);

/** Settings as they arrive from outside; the refinements keep every range sane. */
export const RuleSettingsSchema = z
  .strictObject({
    rule: z.enum(RULES),
    options: z.array(z.string().max(500)).max(MAX_OPTIONS),
    minChoices: count.max(MAX_OPTIONS).optional(),
    maxChoices: count.max(MAX_OPTIONS).optional(),
    scoreMin: z.number().int().min(-MAX_SCORE_RANGE).max(MAX_SCORE_RANGE).optional(),
    scoreMax: z.number().int().min(-MAX_SCORE_RANGE).max(MAX_SCORE_RANGE).optional(),
    dots: count.min(1).max(MAX_DOTS).optional(),
    blocksToStop: z.number().positive().max(1e9).optional(),
    quorum: share.optional(),
    threshold: share.optional(),
  })
  .check((ctx) => {
    const s = ctx.value;
    const issue = (message: string) => ctx.issues.push({ code: "custom", message, input: s });
    if (s.rule !== "consent" && s.options.length < 2) issue("at least two options are needed");
    if (s.rule === "multiple" && (s.minChoices ?? 1) > (s.maxChoices ?? s.options.length))
      issue("minChoices is above maxChoices");
    if ((s.maxChoices ?? 0) > s.options.length) issue("maxChoices is above the number of options");
    const [lo, hi] = scoreRange(s);
    if (lo >= hi) issue("scoreMin must be below scoreMax");
    if (hi - lo > MAX_SCORE_RANGE) issue(`the score range is wider than ${MAX_SCORE_RANGE}`);
  });

/** Parses settings from outside; the message names the first problem. */
export function validateSettings(raw: unknown): Result<RuleSettings, string> {
  const r = RuleSettingsSchema.safeParse(raw);
  if (r.success) return ok(r.data);
  const first = r.error.issues[0];
  return fail(first ? `${first.path.join(".") || "settings"}: ${first.message}` : "bad settings");
}

export function scoreRange(s: Pick<RuleSettings, "scoreMin" | "scoreMax">): [number, number] {
  return [s.scoreMin ?? 0, s.scoreMax ?? 5];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const isIndex = (v: unknown, n: number): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 && v < n;

/** Distinct option indexes, each in range; the caller checks how many. */
function indexList(raw: unknown, n: number): Result<number[], ChoiceProblem> {
  if (!Array.isArray(raw)) return fail("wrong-shape");
  if (raw.length > n) return fail("too-many-choices");
  const seen = new Set<number>();
  for (const v of raw) {
    if (!isIndex(v, n)) return fail("option-out-of-range");
    if (seen.has(v)) return fail("repeated-option");
    seen.add(v);
  }
  return ok([...raw] as number[]);
}

/** One integer per option, each between lo and hi. */
function perOption(
  raw: unknown,
  n: number,
  lo: number,
  hi: number,
): Result<number[], ChoiceProblem> {
  if (!Array.isArray(raw)) return fail("wrong-shape");
  if (raw.length !== n) return fail("wrong-length");
  for (const v of raw) {
    if (typeof v !== "number" || !Number.isInteger(v)) return fail("not-an-integer");
    if (v < lo || v > hi) return fail("score-out-of-range");
  }
  return ok([...raw] as number[]);
}

export function validateChoice(s: RuleSettings, raw: unknown): Result<BallotChoice, ChoiceProblem> {
  if (!isRecord(raw)) return fail("not-an-object");
  const n = Math.min(s.options.length, MAX_OPTIONS);
  switch (s.rule) {
    case "consent": {
      const position = raw.position;
      if (typeof position !== "string") return fail("wrong-shape");
      if (!(CONSENT_POSITIONS as readonly string[]).includes(position))
        return fail("unknown-position");
      const reason = typeof raw.reason === "string" ? raw.reason.trim() : "";
      if (reason.length > MAX_REASON_LENGTH) return fail("reason-too-long");
      if ((position === "disagree" || position === "block") && reason === "")
        return fail("reason-required");
      return ok({ position: position as ConsentPosition, ...(reason ? { reason } : {}) });
    }
    case "single":
      if (!("option" in raw)) return fail("wrong-shape");
      if (!isIndex(raw.option, n)) return fail("option-out-of-range");
      return ok({ option: raw.option });
    case "multiple": {
      const r = indexList(raw.options, n);
      if (!r.ok) return r;
      if (r.value.length < (s.minChoices ?? 1)) return fail("too-few-choices");
      if (r.value.length > (s.maxChoices ?? n)) return fail("too-many-choices");
      return ok({ options: r.value });
    }
    case "score": {
      const [lo, hi] = scoreRange(s);
      const r = perOption(raw.scores, n, lo, hi);
      return r.ok ? ok({ scores: r.value }) : r;
    }
    case "dot": {
      const budget = s.dots ?? 10;
      const r = perOption(raw.dots, n, 0, budget);
      if (!r.ok) return r.reason === "score-out-of-range" ? fail("too-many-dots") : r;
      if (r.value.reduce((a, b) => a + b, 0) > budget) return fail("too-many-dots");
      return ok({ dots: r.value });
    }
    case "irv":
    case "schulze": {
      const r = indexList(raw.ranking, n);
      if (!r.ok) return r;
      if (r.value.length === 0) return fail("empty-ranking");
      return ok({ ranking: r.value });
    }
    case "time": {
      const answers = raw.answers;
      if (!Array.isArray(answers)) return fail("wrong-shape");
      if (answers.length !== n) return fail("wrong-length");
      for (const a of answers)
        if (!(TIME_ANSWERS as readonly unknown[]).includes(a)) return fail("unknown-answer");
      return ok({ answers: [...answers] as TimeAnswer[] });
    }
  }
}
