/**
 * The counting engine's entry point: one pure function from settings,
 * ballots, eligible weight and seed to a JSON-serialisable tally. Ballots
 * must already have passed `validateChoice` for these settings.
 */

import { countConsent } from "./consent.ts";
import { countIrv } from "./irv.ts";
import { countDot, countMultiple, countSingle } from "./polls.ts";
import { countSchulze } from "./schulze.ts";
import { countScore } from "./score.ts";
import { countTime } from "./time-poll.ts";
import type {
  Ballot,
  ConsentChoice,
  CountOptions,
  DotChoice,
  MultipleChoice,
  RankedChoice,
  RuleSettings,
  ScoreChoice,
  SingleChoice,
  Tally,
  TimeChoice,
} from "./types.ts";

export function count(s: RuleSettings, ballots: readonly Ballot[], o: CountOptions): Tally {
  // The casts are safe for validated ballots: validateChoice gives each rule its own shape.
  switch (s.rule) {
    case "consent":
      return countConsent(s, ballots as Ballot<ConsentChoice>[], o);
    case "single":
      return countSingle(s, ballots as Ballot<SingleChoice>[], o);
    case "multiple":
      return countMultiple(s, ballots as Ballot<MultipleChoice>[], o);
    case "score":
      return countScore(s, ballots as Ballot<ScoreChoice>[], o);
    case "dot":
      return countDot(s, ballots as Ballot<DotChoice>[], o);
    case "irv":
      return countIrv(s, ballots as Ballot<RankedChoice>[], o);
    case "schulze":
      return countSchulze(s, ballots as Ballot<RankedChoice>[], o);
    case "time":
      return countTime(s, ballots as Ballot<TimeChoice>[], o);
  }
}
