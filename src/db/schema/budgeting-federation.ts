/**
 * Federated participatory budgeting's own tables (migration 0031; docs/budgeting.md,
 * "Federated budgeting"). No timestamps: neither may become the link between a
 * voter and a secret ballot.
 */

/** On a member co-op's node: a ballot cast here in a copy, and what was sent of it. */
export interface PbRelayedBallotsTable {
  /** The pb_ballots id (named) or pb_secret_ballots id (secret); the Ballot's URI ends with it. */
  ballot_id: string;
  process_id: string;
  district_id: string;
  secret: number;
  /** A digest of the choices last sent (a different one: send an Update). */
  digest: string;
}

/** On the hosting node: a Ballot a member co-op relayed, by its id. */
export interface PbReceivedBallotsTable {
  uri: string;
  process_id: string;
  district_id: string;
  /** The co-op (Organization actor) that vouched for it. */
  coop_uri: string;
  /** Whom castBallot counted it for: the named member, or (secret) the Ballot's own id. */
  voter_uri: string;
  /** Secret ballots: castBallot's receipt, to change or withdraw it; "" when named. */
  receipt: string;
}

export type BudgetingFederationSchema = {
  pb_relayed_ballots: PbRelayedBallotsTable;
  pb_received_ballots: PbReceivedBallotsTable;
};
