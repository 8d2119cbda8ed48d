import type { ColumnType } from "kysely";

/**
 * Tables of participatory budgeting processes (issue 19). A process belongs to a
 * group (a co-op's, or a federation's), moves through phases (proposing → review →
 * voting → results → implementation), and is counted by the engine in
 * governance/budgeting/ once voting closes, never inside a request: the results
 * are stored per district in `pb_results` and pages read them from there.
 * Money is in minor units (cents) as integers; the currency is the process's.
 * Ballots follow decisions' storage: named ballots in `pb_ballots`; secret
 * ballots split into who voted (`pb_voters`) and what was chosen
 * (`pb_secret_ballots`) with nothing that links them.
 */

export type PbPhase = "proposing" | "review" | "voting" | "results" | "implementation";
export type PbRule = "mes-add1" | "mes" | "greedy";
export type PbBallotKind = "approval" | "cumulative";
export type PbSecrecy = "named" | "secret";
export type PbProjectStatus =
  /** Proposed, not reviewed yet. */
  | "proposed"
  /** Reviewed and on the ballot. */
  | "feasible"
  /** Reviewed and kept off the ballot (the review note says why). */
  | "infeasible"
  /** Folded into another project (merged_into_id), authors told. */
  | "merged"
  /** Withdrawn by its author. */
  | "withdrawn"
  /** Hidden by a moderator (moderation, not review). */
  | "hidden"
  /**
   * In a copy: a proposal made here that the host refused at the door (a
   * closed phase, over its limits); review_note holds the host's reason code.
   */
  | "refused";

export interface PbProcessesTable {
  id: string;
  /** The process's ActivityStreams id (this node's, or the hosting node's for a copy). */
  uri: string;
  /** 1: hosted (and counted) here; 0: a copy of a process hosted elsewhere (federated PB). */
  local: number;
  /** The group hosted here, or null for a group elsewhere (then group_uri names it). */
  group_id: string | null;
  group_uri: string;
  created_by_uri: string;
  title: string;
  /** Markdown-free plain text, as decisions' bodies. */
  description: string;
  /** ISO 4217-ish code or a unit the group names ("EUR", "hours"). */
  currency: string;
  rule: PbRule;
  ballot_kind: PbBallotKind;
  secrecy: PbSecrecy;
  /** Approval: fewest / most projects a ballot may pick (null: no bound). */
  min_projects: number | null;
  max_projects: number | null;
  /** 1: a ballot may not pick projects costing more in total than its district's budget. */
  spending_cap: number;
  /** Cumulative: points each voter spreads (null for approval). */
  points: number | null;
  /** Who may propose and vote: "members" of the group, or (a federation group) the members of every member co-op. */
  eligibility: "members" | "federation";
  phase: PbPhase;
  /** When each phase ends (null: a moderator advances it by hand). */
  proposing_ends_at: string | null;
  review_ends_at: string | null;
  voting_ends_at: string | null;
  phase_changed_at: string;
  /** The seed of the lot that breaks the engine's last ties (recorded, so counts can be reproduced). */
  seed: string;
  /** 1: loaded from a .pb file (a past election), not run here. */
  imported: number;
  created_at: string;
  updated_at: string;
}

/** A budget counted on its own (a neighbourhood, or a category with its own money). Every process has at least one. */
export interface PbDistrictsTable {
  id: string;
  process_id: string;
  /** A copy's: the hosting node's id for it (migration 0031); null for our own. */
  uri: string | null;
  name: string;
  /** In minor units. */
  budget: number;
  position: number;
}

/** A label for projects (for filters and the allocation chart), with no budget of its own. */
export interface PbCategoriesTable {
  id: string;
  process_id: string;
  /** A copy's: the hosting node's id for it (migration 0031); null for our own. */
  uri: string | null;
  name: string;
  position: number;
}

export interface PbProjectsTable {
  id: string;
  /** The project's ActivityStreams id. */
  uri: string;
  process_id: string;
  district_id: string;
  category_id: string | null;
  title: string;
  description: string;
  /** In minor units. */
  cost: number;
  /** A place in words (an address); coordinates when given. */
  location: string;
  latitude: number | null;
  longitude: number | null;
  /** JSON [{ mediaId, alt }]: images from the node's media library. */
  images: string;
  proposed_by_uri: string;
  account_id: string | null;
  status: PbProjectStatus;
  /** The review's public note (why feasible or not, what was adjusted). */
  review_note: string;
  reviewed_by_uri: string | null;
  reviewed_at: string | null;
  merged_into_id: string | null;
  /** Implementation: the latest progress in percent (0–100). */
  progress: number;
  /** Its id in the Pabulib file it was imported from (migration 0030); null when proposed here. */
  source_id: ColumnType<string | null, string | null | undefined, string | null>;
  /**
   * A project proposed from another co-op's node: the proposal's id there
   * (migration 0035). Null when proposed on the host.
   */
  proposal_uri: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON [{ url, alt }]: pictures that arrived from another node (migration 0035). */
  remote_images: ColumnType<string, string | undefined, string>;
  created_at: string;
  updated_at: string;
}

/** A named ballot: one per process, district and voter. */
export interface PbBallotsTable {
  id: string;
  process_id: string;
  district_id: string;
  /** Whom the ballot counts for (a member here or elsewhere; for imported elections "pabulib:<voter_id>"). */
  voter_uri: string;
  /** Who cast it. */
  cast_by_uri: string;
  account_id: string | null;
  /** JSON { projectId: points }: approval ballots give 1 to each pick. */
  choices: string;
  created_at: string;
  updated_at: string;
}

/** Secret ballots, who voted: no timestamps, no id shared with pb_secret_ballots. */
export interface PbVotersTable {
  process_id: string;
  district_id: string;
  voter_uri: string;
  cast_by_uri: string;
}

/** Secret ballots, what was chosen: a random id, the choices and the hash of the voter's receipt. */
export interface PbSecretBallotsTable {
  process_id: string;
  district_id: string;
  /** Random (UUIDv4, not time-ordered). */
  id: string;
  choices: string;
  receipt_hash: string;
}

/** Implementation: a public progress update on a funded project (Decidim's accountability). */
export interface PbProgressUpdatesTable {
  id: string;
  project_id: string;
  author_uri: string;
  account_id: string | null;
  body: string;
  /** 0–100. */
  progress: number;
  /** JSON [{ mediaId, alt }]. */
  images: string;
  created_at: string;
}

/** A comment on a project (migration 0050): written here, or arrived from another node. */
export interface PbCommentsTable {
  id: string;
  /** Its ActivityStreams id (a Note in reply to the project). */
  uri: string;
  process_id: string;
  project_id: string;
  author_uri: string;
  /** The author, when a member here. */
  account_id: string | null;
  /** Plain text; emptied when removed. */
  content: string;
  created_at: string;
  removed_at: string | null;
  removed_by_uri: string | null;
}

/** One district's count, computed once when voting closes (or on import / recount). */
export interface PbResultsTable {
  process_id: string;
  district_id: string;
  /** The rule's outcome with the engine's explanations (CountResult JSON, explain: true). */
  result: string;
  /** Greedy's outcome on the same ballots, for the comparison (CountResult JSON). */
  greedy: string;
  ballots_count: number;
  computed_at: string;
}

export type BudgetingSchema = {
  pb_processes: PbProcessesTable;
  pb_districts: PbDistrictsTable;
  pb_categories: PbCategoriesTable;
  pb_projects: PbProjectsTable;
  pb_ballots: PbBallotsTable;
  pb_voters: PbVotersTable;
  pb_secret_ballots: PbSecretBallotsTable;
  pb_progress_updates: PbProgressUpdatesTable;
  pb_comments: PbCommentsTable;
  pb_results: PbResultsTable;
};
