import type { Generated } from "kysely";
/**
 * Tables of decisions (issue 18): a decision lives in a group's thread (its
 * root post), carries its rule and settings, and is voted either by name
 * (`decision_votes`) or by secret ballot, where who voted (`decision_voters`)
 * and what was chosen (`decision_ballots`) are kept apart with nothing that
 * links them (docs/decisions.md, "Storage and secret ballots").
 */

/** named: everyone sees who chose what; anonymous: the node knows, pages show tallies; secret: nobody can link. */
export type BallotKind = "named" | "anonymous" | "secret";
export type ResultsVisibility = "always" | "after-vote" | "after-close";
export type DecisionStatus = "open" | "closed";

export interface DecisionsTable {
  id: string;
  /** The decision's ActivityStreams id (this node's, or the hosting node's for a remote one). */
  uri: string;
  /** 1: hosted here (counted here); 0: a copy of a decision hosted elsewhere (federation). */
  local: number;
  /** The group hosted here, or null for a group elsewhere (then group_uri names it). */
  group_id: string | null;
  group_uri: string;
  /** The thread's root post (posts.id), where the proposal is discussed. */
  post_id: string;
  created_by_uri: string;
  title: string;
  /** The proposal as written (plain text; the thread post carries the formatted copy). */
  body: string;
  rule: string;
  /** RuleSettings JSON (quorum and threshold included): what the count is given. */
  settings: string;
  /** JSON [{ label, explanation }]. */
  options: string;
  opens_at: string;
  closes_at: string;
  results_visibility: ResultsVisibility;
  /** 1: a voter may change their vote until closing. */
  vote_changes: number;
  /** 1: anyone who can see the thread votes, members or not (decisions.ts: when allowed). */
  outsiders: Generated<number>;
  /** A federation voting by delegates: "per-coop" (one each) or "members" (each co-op weighs its active members). */
  weighting: Generated<DecisionWeighting>;
  ballot: BallotKind;
  /** Seconds before closing when non-voters are reminded; null: no reminder. */
  reminder_lead_seconds: number | null;
  /** Sweep state, so each notice goes out once across restarts. */
  opened_notified_at: string | null;
  reminded_at: string | null;
  /** The seed of the lot that breaks remaining ties (recorded, so counts can be reproduced). */
  seed: string;
  status: DecisionStatus;
  /** Amendments so far: an amendment clears the votes and starts a new round. */
  round: number;
  voters_count: number;
  tally: string | null;
  eligible_weight: number | null;
  closed_at: string | null;
  closed_by_uri: string | null;
  outcome: string | null;
  outcome_at: string | null;
  review_at: string | null;
  outcome_post_id: string | null;
  created_at: string;
  updated_at: string;
}

/** A named or anonymous vote: one per decision and voter (a person, or a co-op its delegate votes for). */
export interface DecisionVotesTable {
  id: string;
  decision_id: string;
  /** Whom the vote counts for: the member, or the co-op in a federation voting by delegates. */
  voter_uri: string;
  /** Who cast it (the member, or the co-op's delegate). */
  cast_by_uri: string;
  account_id: string | null;
  weight: number;
  /** BallotChoice JSON. */
  choice: string;
  reason: string;
  reason_hidden_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Secret ballots, who voted: no timestamps, no id shared with decision_ballots. */
export interface DecisionVotersTable {
  decision_id: string;
  voter_uri: string;
  cast_by_uri: string;
}

export type DecisionWeighting = "per-coop" | "members";

/** A member co-op's active members, as its own node last reported them (federations hosted here). */
export interface DecisionCoopSizesTable {
  group_id: string;
  coop_uri: string;
  members: number;
  reported_at: string;
}

/** Secret ballots, what was chosen: a random id, the choice and the hash of the voter's receipt. */
export interface DecisionBallotsTable {
  decision_id: string;
  /** Random (UUIDv4, not time-ordered). */
  id: string;
  weight: number;
  choice: string;
  /** SHA-256 of the receipt only the voter holds (hex): lets them change or read their choice. */
  receipt_hash: string;
}

export type DecisionsSchema = {
  decisions: DecisionsTable;
  decision_votes: DecisionVotesTable;
  decision_voters: DecisionVotersTable;
  decision_coop_sizes: DecisionCoopSizesTable;
  decision_ballots: DecisionBallotsTable;
};
