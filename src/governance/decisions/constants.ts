/** The rules, positions and caps of the counting engine (values; the types are in types.ts). */

export const RULES = [
  "consent",
  "single",
  "multiple",
  "score",
  "dot",
  "irv",
  "schulze",
  "time",
] as const;

/** Caps on anything that arrives from outside (forms, federation, ballot files). */
export const MAX_OPTIONS = 100;
export const MAX_REASON_LENGTH = 5000;
export const MAX_SCORE_RANGE = 100;
export const MAX_DOTS = 1000;
export const MAX_WEIGHT = 1_000_000;

export const CONSENT_POSITIONS = ["agree", "abstain", "disagree", "block"] as const;
export const TIME_ANSWERS = ["yes", "maybe", "no"] as const;
