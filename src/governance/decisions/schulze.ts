import type { Ballot, CountOptions, RankedChoice, RuleSettings, SchulzeTally } from "./types.ts";

export function countSchulze(
  _s: RuleSettings,
  _ballots: readonly Ballot<RankedChoice>[],
  _o: CountOptions,
): SchulzeTally {
  throw new Error("not implemented");
}
