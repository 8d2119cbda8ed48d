/**
 * Tables of the economy (issue 20): a federation's shared catalogue of resource
 * specifications, offers and needs (ValueFlows Proposals), agreements between
 * agents as FEP-0837 carries them, the economic events that fulfil them, the stocks
 * they move, and the mutual-credit ledger a federation group runs between its
 * member co-ops.
 *
 * Quantities are fixed-point integers in thousandths of the unit (2.5 kg is 2500),
 * so that "available" can be decremented atomically and exactly; money and credit
 * are integers in minor units (cents, or hundredths of the ledger's unit).
 * Units are OM2 local names ("kilogram", "hour", "litre", "one" for a piece).
 * An agent is an actor URI: a co-op (its /users/coop Organization) or a person.
 */

import type { Generated } from "kysely";

export type EconPurpose = "offer" | "request";
export type EconReciprocity = "gift" | "credit" | "money";
/** ValueFlows actions the marketplace records. */
export type EconAction = "transfer" | "deliverService" | "produce" | "consume" | "work";
export type EconSpecStatus = "accepted" | "proposed" | "rejected";
export type EconProposalStatus = "open" | "closed" | "withdrawn" | "hidden";
export type EconAgreementStatus = "offered" | "accepted" | "rejected" | "cancelled" | "fulfilled";

/** A resource specification in a federation group's catalogue (vf:ResourceSpecification). */
export interface EconSpecsTable {
  id: string;
  uri: string;
  /** 1: the catalogue's group is hosted here; 0: a copy of another node's entry. */
  local: number;
  /** The federation group whose catalogue holds it. */
  group_uri: string;
  name: string;
  note: string;
  /** OM2 local name of the default unit. */
  unit: string;
  category: string;
  /** JSON array of media URLs (same form as pb_projects.images). */
  images: string;
  status: EconSpecStatus;
  proposed_by_uri: string;
  /** Who accepted or rejected it, and why (public). */
  decided_by_uri: string | null;
  decision_note: string;
  created_at: string;
  updated_at: string;
}

/** An offer or a need (vf:Proposal with its primary vf:Intent and optional reciprocal one). */
export interface EconProposalsTable {
  id: string;
  uri: string;
  /** 1: published from here; 0: a copy received by federation. */
  local: number;
  purpose: EconPurpose;
  /** The agent offering or needing: a co-op's Organization or a person. */
  agent_uri: string;
  agent_kind: "person" | "coop";
  /** The local member who published it (null for a remote proposal). */
  account_id: string | null;
  /** The federation group it was published to, if any. */
  group_uri: string | null;
  spec_id: string | null;
  /** Always set, so a remote spec not in our catalogue still names its resource. */
  spec_uri: string;
  name: string;
  note: string;
  category: string;
  unit: string;
  /** Thousandths of the unit. */
  quantity: number;
  available: number;
  minimum: number;
  /** Labour hours one unit of an offer takes (plan rounds count them), or null: not stated. */
  hours_per_unit: number | null;
  place_name: string;
  latitude: number | null;
  longitude: number | null;
  available_from: string | null;
  available_until: string | null;
  reciprocity: EconReciprocity;
  /** Minor units per whole unit; 0 for a gift. */
  unit_price: number;
  currency: string;
  /** The reciprocal intent's action for the primary one, e.g. "transfer" of credit. */
  action: EconAction;
  /** JSON array of media URLs. */
  images: string;
  status: EconProposalStatus;
  published_at: string;
  created_at: string;
  updated_at: string;
}

/** An agreement offered by a responder on a proposal, accepted or rejected by its agent. */
export interface EconAgreementsTable {
  id: string;
  uri: string;
  /** 1: the proposal is hosted here (we decide Accept/Reject); 0: we responded to a remote one. */
  local: number;
  proposal_id: string;
  proposal_uri: string;
  /** The proposal's agent. */
  proposer_uri: string;
  responder_uri: string;
  /** The local member who responded or who answered (null when remote). */
  account_id: string | null;
  status: EconAgreementStatus;
  /** Thousandths of the proposal's unit the responder takes (offer) or gives (request). */
  quantity: number;
  reciprocity: EconReciprocity;
  /** Minor units in all (quantity × unit_price, rounded down), 0 for a gift. */
  total_price: number;
  currency: string;
  note: string;
  /** The Offer(Agreement) activity id, and the Accept/Reject that answered it. */
  offer_activity_uri: string;
  answer_activity_uri: string | null;
  /** The proposer's answer (a rejection's reason), "" if none (migration 0039). */
  answer_note: Generated<string>;
  /** The credit transfer that settled it, once fulfilled (credit reciprocity). */
  transfer_id: string | null;
  accepted_at: string | null;
  fulfilled_at: string | null;
  created_at: string;
  updated_at: string;
}

/** What an agreement commits each side to (vf:Commitment): the primary one and the reciprocal one. */
export interface EconCommitmentsTable {
  id: string;
  uri: string;
  agreement_id: string;
  /** 1: the reciprocal commitment (payment or counter-service). */
  reciprocal: number;
  action: EconAction;
  provider_uri: string;
  receiver_uri: string;
  spec_uri: string;
  unit: string;
  quantity: number;
  /** Sum of the events that fulfilled it so far. */
  fulfilled: number;
  due_at: string | null;
  created_at: string;
}

/** Something that happened (vf:EconomicEvent), fulfilling a commitment. */
export interface EconEventsTable {
  id: string;
  uri: string;
  agreement_id: string | null;
  commitment_id: string | null;
  action: EconAction;
  provider_uri: string;
  receiver_uri: string;
  spec_uri: string;
  unit: string;
  quantity: number;
  note: string;
  recorded_by_uri: string;
  occurred_at: string;
  created_at: string;
}

/** A local agent's stock of one resource (vf:EconomicResource), moved by events. */
export interface EconResourcesTable {
  id: string;
  uri: string;
  owner_uri: string;
  spec_uri: string;
  name: string;
  unit: string;
  /** Thousandths of the unit; may go below zero only if an event says so (it is recorded). */
  on_hand: number;
  updated_at: string;
}

/** Messages between the two parties, kept in the agreement's thread. */
export interface EconMessagesTable {
  id: string;
  uri: string;
  agreement_id: string;
  author_uri: string;
  account_id: string | null;
  body: string;
  created_at: string;
  /** 1: hidden by a moderator after a report (migration 0039). */
  hidden: Generated<number>;
}

/** A member watching a category (or one specification) to be told of new matching proposals. */
export interface EconWatchesTable {
  id: string;
  account_id: string;
  category: string;
  spec_uri: string | null;
  purpose: EconPurpose | null;
  created_at: string;
}

/** A federation group's mutual-credit ledger (Credit Commons style), hosted on the group's node. */
export interface CreditLedgersTable {
  id: string;
  uri: string;
  group_id: string;
  /** The unit the group names ("hours", "ECO"); amounts are hundredths of it. */
  unit: string;
  /** Defaults for new accounts: how far below zero (positive number) and how far above zero an account may go. */
  default_debit_limit: number;
  default_credit_limit: number;
  /** The last journal sequence number given (transfers are numbered 1, 2, 3… per ledger). */
  last_seq: number;
  created_at: string;
  updated_at: string;
}

/** One member co-op's account in a ledger. The balances of a ledger always sum to zero. */
export interface CreditAccountsTable {
  id: string;
  ledger_id: string;
  coop_uri: string;
  balance: number;
  /** balance may not go below -debit_limit nor above credit_limit. */
  debit_limit: number;
  credit_limit: number;
  created_at: string;
  updated_at: string;
}

/** A transfer in the journal: refused ones are kept with the reason, and have no entries. */
export interface CreditTransfersTable {
  id: string;
  uri: string;
  ledger_id: string;
  /** Journal order; null for a refused transfer. */
  seq: number | null;
  payer_account_id: string;
  payee_account_id: string;
  amount: number;
  memo: string;
  agreement_uri: string | null;
  /** The signed activities of both sides: the payer's request and the payee's acceptance. */
  payer_activity_uri: string;
  payee_activity_uri: string | null;
  status: "pending" | "completed" | "refused";
  refused_reason: string | null;
  created_at: string;
  completed_at: string | null;
  /** The local member who asked for it (0040_credit; cleared when they are deleted). */
  initiated_by: string | null;
}

/** Double entry: every completed transfer writes one debit and one credit entry. */
export interface CreditEntriesTable {
  id: string;
  transfer_id: string;
  account_id: string;
  /** Signed: negative for the payer, positive for the payee. */
  amount: number;
  balance_after: number;
  created_at: string;
}

export type EconomySchema = {
  econ_specs: EconSpecsTable;
  econ_proposals: EconProposalsTable;
  econ_agreements: EconAgreementsTable;
  econ_commitments: EconCommitmentsTable;
  econ_events: EconEventsTable;
  econ_resources: EconResourcesTable;
  econ_messages: EconMessagesTable;
  econ_watches: EconWatchesTable;
  credit_ledgers: CreditLedgersTable;
  credit_accounts: CreditAccountsTable;
  credit_transfers: CreditTransfersTable;
  credit_entries: CreditEntriesTable;
};
