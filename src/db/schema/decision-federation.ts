/**
 * Tables of decisions across nodes (0022_decision_federation): ballots members
 * here cast in decisions hosted elsewhere, and the assembly decisions a co-op's
 * delegates carry into a federation's.
 */

export interface DecisionSentBallotsTable {
  /** Also the Ballot's id: /decision-ballots/{id}. */
  id: string;
  /** The local copy (decisions.local = 0) of the decision hosted elsewhere. */
  decision_id: string;
  account_id: string;
  /** The co-op a delegate votes for; "" when the member votes for themself. */
  on_behalf_of: string;
  /** BallotChoice JSON, served to the hosting node. */
  choice: string;
  created_at: string;
  updated_at: string;
}

export interface DecisionMandatesTable {
  decision_id: string;
  assembly_decision_id: string;
  /** The account that linked them (an admin acting for the co-op). */
  created_by: string;
  created_at: string;
}

export type DecisionFederationSchema = {
  decision_sent_ballots: DecisionSentBallotsTable;
  decision_mandates: DecisionMandatesTable;
};
