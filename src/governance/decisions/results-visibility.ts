/**
 * When a voter may see the running tally: a pure rule (no database). Secret
 * ballots always wait for the close (decisions.ts refuses anything else): a
 * live tally next to the list of who voted tells, vote by vote, what the last
 * voter chose.
 */
import type { ResultsVisibility } from "../../db/schema/decisions.ts";

export interface ResultsQuestion {
  visibility: ResultsVisibility;
  closed: boolean;
  /** The viewer has voted in the current round. */
  hasVoted: boolean;
}

export function canSeeResults(q: ResultsQuestion): boolean {
  if (q.closed) return true;
  if (q.visibility === "always") return true;
  if (q.visibility === "after-vote") return q.hasVoted;
  return false;
}
