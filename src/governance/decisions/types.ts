/**
 * The contract of the decisions counting engine: rule settings, ballot choices
 * and tallies. Pure data (no database, no HTTP): a tally is a function of the
 * settings, the ballots, the eligible weight and the seed, so anyone holding a
 * ballot export can recount it (`synco decisions count`).
 *
 * `validateChoice` (validate.ts) and `count` (count.ts) are re-exported here so
 * the rest of Synco imports one module.
 */

import type { CONSENT_POSITIONS, RULES, TIME_ANSWERS } from "./constants.ts";

export type Rule = (typeof RULES)[number];
export type ConsentPosition = (typeof CONSENT_POSITIONS)[number];
export type TimeAnswer = (typeof TIME_ANSWERS)[number];

/** What the count needs to know about a decision. */
export interface RuleSettings {
  rule: Rule;
  /** Option labels (consent: ignored, its positions are fixed). */
  options: string[];
  /** multiple: fewest and most options one may choose (default 1 and all). */
  minChoices?: number;
  maxChoices?: number;
  /** score: the integer range of a score (default 0..5). */
  scoreMin?: number;
  scoreMax?: number;
  /** dot: how many dots each voter spreads (default 10). */
  dots?: number;
  /** consent: how many blocking voters (by weight) stop the proposal (default 1). */
  blocksToStop?: number;
  /** Share of the eligible weight that must take part, 0..1 (default 0). */
  quorum?: number;
  /**
   * Share needed to pass, 0..1. consent: agree share of the non-abstaining;
   * every other rule: the winner's share (see docs/decisions.md "Counting").
   */
  threshold?: number;
}

export type ConsentChoice = { position: ConsentPosition; reason?: string };
export type SingleChoice = { option: number };
export type MultipleChoice = { options: number[] };
export type ScoreChoice = { scores: number[] };
export type DotChoice = { dots: number[] };
/** Most preferred first; partial rankings allowed, no repeats. */
export type RankedChoice = { ranking: number[] };
export type TimeChoice = { answers: TimeAnswer[] };

export type BallotChoice =
  | ConsentChoice
  | SingleChoice
  | MultipleChoice
  | ScoreChoice
  | DotChoice
  | RankedChoice
  | TimeChoice;

/** One ballot; weight defaults to 1 (a delegate casts their co-op's weight). */
export interface Ballot<C extends BallotChoice = BallotChoice> {
  choice: C;
  weight?: number;
}

export interface CountOptions {
  /** Total weight of everyone eligible; quorum is a share of it. */
  eligibleWeight: number;
  /** Seed of the lot that breaks ties nothing else breaks (default ""). */
  seed?: string;
}

export interface Outcome {
  /** Cast weight / eligible weight reached `quorum`. */
  quorumMet: boolean;
  /**
   * consent: always a boolean. Other rules: null when neither quorum nor
   * threshold was set (a poll just reports), else quorum met and threshold reached.
   */
  passed: boolean | null;
  /** The winning option (one, ties broken); empty for consent and when nobody voted. */
  winners: number[];
  /** Set when a tie for the win (IRV: for an elimination) needed a rule to break it. */
  tieBrokenBy?: "lookback" | "lot";
}

interface TallyBase {
  /** Number of ballots (not weight). */
  ballots: number;
  /** Sum of ballot weights. */
  weight: number;
  eligibleWeight: number;
  /** weight / eligibleWeight (0 when nobody is eligible). */
  turnout: number;
  seed: string;
  outcome: Outcome;
}

export interface ConsentTally extends TallyBase {
  rule: "consent";
  /** Weight behind each position. */
  positions: Record<ConsentPosition, number>;
  /** agree / (agree + disagree + block); 0 when nobody took a side. */
  agreeShare: number;
  /** Blocking weight reached blocksToStop. */
  blocked: boolean;
}

export interface SingleTally extends TallyBase {
  rule: "single";
  votes: number[];
  /** votes[i] / weight. */
  shares: number[];
  /** Options from most to fewest votes, ties in lot order. */
  order: number[];
}

export interface MultipleTally extends TallyBase {
  rule: "multiple";
  /** Weight of the voters who chose each option. */
  votes: number[];
  shares: number[];
  order: number[];
}

export interface ScoreTally extends TallyBase {
  rule: "score";
  sums: number[];
  /** Weighted mean score; null when nobody voted. */
  means: (number | null)[];
  /** Weighted median score; null when nobody voted. */
  medians: (number | null)[];
  /** Highest mean first; ties by higher median, then lot. */
  order: number[];
}

export interface DotTally extends TallyBase {
  rule: "dot";
  /** Weighted dots on each option. */
  dots: number[];
  /** dots[i] / all dots placed. */
  shares: number[];
  order: number[];
}

export interface IrvRound {
  /** Weight on each option this round; null once eliminated. */
  votes: (number | null)[];
  /** Weight of ballots with no continuing option left. */
  exhausted: number;
  /** Option eliminated at the end of this round, if any. */
  eliminated?: number;
  /** Option elected this round (a majority of continuing weight, or the last left). */
  elected?: number;
  tieBrokenBy?: "lookback" | "lot";
}

export interface IrvTally extends TallyBase {
  rule: "irv";
  rounds: IrvRound[];
}

export interface SchulzeTally extends TallyBase {
  rule: "schulze";
  /** d[i][j]: weight of voters who rank i above j (ranked above unranked). */
  d: number[][];
  /** p[i][j]: strength of the strongest path from i to j (winning votes). */
  p: number[][];
  /** The Schulze ranking, best first; options Schulze leaves tied are in lot order. */
  order: number[];
  /** Options Schulze itself ranks first (more than one: the lot chose). */
  potentialWinners: number[];
}

export interface TimeTally extends TallyBase {
  rule: "time";
  yes: number[];
  maybe: number[];
  no: number[];
  /** Most available (yes + maybe) first; ties by more yes, then lot. */
  order: number[];
}

export type Tally =
  | ConsentTally
  | SingleTally
  | MultipleTally
  | ScoreTally
  | DotTally
  | IrvTally
  | SchulzeTally
  | TimeTally;

export {
  CONSENT_POSITIONS,
  MAX_DOTS,
  MAX_OPTIONS,
  MAX_REASON_LENGTH,
  MAX_SCORE_RANGE,
  MAX_WEIGHT,
  RULES,
  TIME_ANSWERS,
} from "./constants.ts";
export { count } from "./count.ts";
export {
  type ChoiceProblem,
  RuleSettingsSchema,
  validateChoice,
  validateSettings,
} from "./validate.ts";
