/**
 * Instant runoff: each ballot counts for its highest-ranked continuing
 * option; an option with more than half the continuing weight is elected,
 * else the option with the fewest votes is eliminated and its ballots move on.
 *
 * A tie for fewest is broken by looking back: among the tied, keep those with
 * the fewest votes in the round before, and so on back to the first round;
 * what is still tied goes to the lot (the tied option latest in lot order is
 * eliminated). Ballots are bucketed by their current option, so an elimination
 * only touches the ballots it moves: O(ballots × ranking length) in all.
 */

import { lotRank } from "./lot.ts";
import { baseOf, passedOf } from "./outcome.ts";
import { gatherRankings } from "./ranked.ts";
import type {
  Ballot,
  CountOptions,
  IrvRound,
  IrvTally,
  RankedChoice,
  RuleSettings,
} from "./types.ts";

/** The option to eliminate among `tied`, and which rule chose it. */
function breakElimination(
  tied: number[],
  history: (number | null)[][],
  rank: Int32Array,
): { option: number; by: "lookback" | "lot" } {
  let left = tied;
  for (let r = history.length - 1; r >= 0 && left.length > 1; r--) {
    const votes = history[r] as (number | null)[];
    const fewest = Math.min(...left.map((i) => votes[i] ?? 0));
    left = left.filter((i) => (votes[i] ?? 0) === fewest);
  }
  if (left.length === 1) return { option: left[0] as number, by: "lookback" };
  const last = left.reduce((a, b) => ((rank[a] as number) > (rank[b] as number) ? a : b));
  return { option: last, by: "lot" };
}

export function countIrv(
  s: RuleSettings,
  ballots: readonly Ballot<RankedChoice>[],
  o: CountOptions,
): IrvTally {
  const { quorumMet, ...base } = baseOf(s, ballots, o);
  const n = s.options.length;
  const profile = gatherRankings(ballots);
  const { options, start, weight } = profile;
  const continuing = new Uint8Array(n).fill(1);
  const votes = new Float64Array(n);
  // pointer[g]: position in group g's ranking of the option it counts for now.
  const pointer = new Int32Array(profile.groups);
  const bucket: number[][] = Array.from({ length: n }, () => []);
  let exhausted = 0;
  for (let g = 0; g < profile.groups; g++) {
    pointer[g] = start[g] as number;
    const top = options[pointer[g] as number] as number;
    votes[top] = (votes[top] as number) + (weight[g] as number);
    (bucket[top] as number[]).push(g);
  }
  const rank = lotRank(base.seed, n);
  const rounds: IrvRound[] = [];
  const history: (number | null)[][] = [];
  let winner: number | undefined;
  let winnerShare: number | null = null;
  let tieBrokenBy: "lookback" | "lot" | undefined;
  let left = n;
  while (base.weight > 0) {
    const shown = Array.from(votes, (v, i) => (continuing[i] ? v : null));
    const round: IrvRound = { votes: shown, exhausted };
    rounds.push(round);
    let total = 0;
    let top = -1;
    for (let i = 0; i < n; i++) {
      if (!continuing[i]) continue;
      total += votes[i] as number;
      if (top < 0 || (votes[i] as number) > (votes[top] as number)) top = i;
    }
    if (left === 1 || (votes[top] as number) > total / 2) {
      round.elected = top;
      winner = top;
      winnerShare = total > 0 ? (votes[top] as number) / total : 0;
      break;
    }
    let fewest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) if (continuing[i]) fewest = Math.min(fewest, votes[i] as number);
    const tied: number[] = [];
    for (let i = 0; i < n; i++) if (continuing[i] && votes[i] === fewest) tied.push(i);
    let out = tied[0] as number;
    if (tied.length > 1) {
      const broken = breakElimination(tied, history, rank);
      out = broken.option;
      round.tieBrokenBy = broken.by;
      // Options nobody counts for move no ballots, so their order cannot change
      // the winner while someone has votes: such a tie is not the outcome's.
      const matters = fewest > 0 || total === 0;
      if (matters && tieBrokenBy !== "lot") tieBrokenBy = broken.by;
    }
    history.push(shown);
    round.eliminated = out;
    continuing[out] = 0;
    left--;
    for (const g of bucket[out] as number[]) {
      const end = start[g + 1] as number;
      let at = (pointer[g] as number) + 1;
      while (at < end && !continuing[options[at] as number]) at++;
      pointer[g] = at;
      if (at === end) exhausted += weight[g] as number;
      else {
        const next = options[at] as number;
        votes[next] = (votes[next] as number) + (weight[g] as number);
        (bucket[next] as number[]).push(g);
      }
    }
    bucket[out] = [];
    votes[out] = 0;
  }
  return {
    rule: "irv",
    ...base,
    rounds,
    outcome: {
      quorumMet,
      passed: passedOf(s, quorumMet, winnerShare),
      winners: winner === undefined ? [] : [winner],
      ...(winner !== undefined && tieBrokenBy ? { tieBrokenBy } : {}),
    },
  };
}
