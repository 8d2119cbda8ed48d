import type { Ballot, CountOptions, IrvTally, RankedChoice, RuleSettings } from "./types.ts";

export function countIrv(
  _s: RuleSettings,
  _ballots: readonly Ballot<RankedChoice>[],
  _o: CountOptions,
): IrvTally {
  throw new Error("not implemented");
}
