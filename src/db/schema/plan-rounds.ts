/**
 * Tables of plan rounds (issue 21, "Plan rounds"): a federation group's
 * allocation rounds over its member co-ops' open needs and offers, every
 * revision's stored input and output (so anyone can re-run the solver and get
 * the same plan), the commitments a revision proposes with their explanation
 * (shadow prices), and each co-op's answer. On a member co-op's node the same
 * tables hold a copy of the rounds it takes part in (local = 0) with only its
 * own commitments.
 *
 * Quantities are thousandths of the unit, as in the marketplace (db/schema/economy.ts).
 */

/**
 * open: waiting for the solver (the worker); accepting: a plan is published and
 * the co-ops answer; re-solving: some part was rejected, the worker solves
 * again with the accepted commitments fixed; closed: every commitment left is
 * accepted by both sides (they become agreements); infeasible: the needs'
 * minimums cannot all be met (the diagnosis says which).
 */
export type PlanRoundStatus = "open" | "accepting" | "re-solving" | "closed" | "infeasible";
/** A side's answer to a commitment: null while it has not answered. */
export type PlanAnswer = "accepted" | "rejected";

export interface PlanRoundsTable {
  id: string;
  uri: string;
  /** 1: the round is the federation group's, hosted here; 0: a copy on a member co-op's node. */
  local: number;
  /** The federation group (hosted here) for a local round; null for a copy. */
  group_id: string | null;
  group_uri: string;
  title: string;
  status: PlanRoundStatus;
  /** When the co-ops' answers are due (ISO); unanswered parts count as rejected after it. */
  deadline: string;
  /** The current revision (1 when first solved; +1 per re-solve); 0 before the first solve. */
  revision: number;
  /** JSON {category: weight}: a need's priority is its category's weight (1 if absent). */
  weights: string;
  /** The decision whose passing set the weights, if any. */
  weights_decision_id: string | null;
  /** "HiGHS x.y.z ipm" of the latest revision. */
  solver_version: string;
  /** JSON ShortNeed[] when infeasible, else null. */
  diagnosis: string | null;
  /** A worker's claim on the solve (ISO time), so two workers never solve one round at once. */
  claimed_at: string | null;
  opened_by_uri: string;
  /** The local member who opened it (null for a copy; cleared on deletion). */
  opened_by: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

/** Each solve of a round: exactly what went into the solver and what came out. */
export interface PlanRevisionsTable {
  id: string;
  round_id: string;
  revision: number;
  /** The planner's input (JSON PlanInput), exactly as solved. */
  input: string;
  /** The planner's result (JSON PlanResult), or null when infeasible. */
  output: string | null;
  /** Flows' row keys (JSON): which proposals each flow stands for, in the input's order. */
  keys: string;
  status: "optimal" | "infeasible";
  solver_version: string;
  seconds: number;
  created_at: string;
}

/** A proposed commitment: so much of a resource from one co-op to another, and why. */
export interface PlanCommitmentsTable {
  id: string;
  uri: string;
  round_id: string;
  /** The revision that proposed it. */
  revision: number;
  provider_uri: string;
  receiver_uri: string;
  /** The resource (the federation catalogue's specification). */
  spec_uri: string;
  name: string;
  unit: string;
  quantity: number;
  /** The provider's offer and the receiver's need it comes from. */
  offer_uri: string;
  request_uri: string;
  /** Transport cost per unit along this link. */
  unit_cost: number;
  /** The price of the good where it arrives (the need row's dual). */
  destination_price: number;
  /** What one unit sent along here costs: transport + the supply's shadow price. */
  marginal_cost: number;
  /** The provider's offer's shadow price: what one more unit of it would save. */
  supply_price: number;
  provider_answer: PlanAnswer | null;
  receiver_answer: PlanAnswer | null;
  /** The marketplace agreement it became, once the round closed (on the node that made it). */
  agreement_uri: string | null;
  created_at: string;
  updated_at: string;
}

/** A co-op's answer to its part of a revision, with its reason. */
export interface PlanPartAnswersTable {
  id: string;
  round_id: string;
  revision: number;
  coop_uri: string;
  /** accepted: every commitment of its part; rejected: at least one rejected. */
  answer: PlanAnswer;
  note: string;
  /** The local member who answered (on the co-op's node; cleared on deletion). */
  account_id: string | null;
  answered_at: string;
}

/**
 * The labour hours a co-op has for a round (what its offers' hours per unit
 * count against). On the host: what the co-op stated (here or from its node);
 * on a member's node: what its co-op stated there.
 */
export interface PlanRoundHoursTable {
  round_id: string;
  coop_uri: string;
  hours: number;
  /** The local member who stated them (null when stated from elsewhere; cleared on deletion). */
  account_id: string | null;
  stated_at: string;
}

/** The priority weights a federation group's decision set (the last one passed). */
export interface PlanGroupWeightsTable {
  group_id: string;
  /** JSON {category: weight}. */
  weights: string;
  decision_id: string;
  updated_at: string;
}

/** New weights proposed to a group: a decision, applied when it passes (decisions' closed hook). */
export interface PlanWeightProposalsTable {
  decision_id: string;
  group_id: string;
  weights: string;
  status: "open" | "applied" | "rejected";
  /** The local member who proposed them (cleared on deletion). */
  proposed_by: string | null;
  created_at: string;
  settled_at: string | null;
}

export type PlanRoundsSchema = {
  plan_group_weights: PlanGroupWeightsTable;
  plan_weight_proposals: PlanWeightProposalsTable;
  plan_rounds: PlanRoundsTable;
  plan_revisions: PlanRevisionsTable;
  plan_commitments: PlanCommitmentsTable;
  plan_part_answers: PlanPartAnswersTable;
  plan_round_hours: PlanRoundHoursTable;
};
