/**
 * Tables of the data commons (issue 22). A dataset belongs to a group (a co-op's
 * assembly or a federation group) and is declared by its moderators: typed fields
 * with public bounds or public values, the privacy unit, the purpose contributors
 * consent to, and a budget per period. Contributed rows stay on this node; only
 * releases (noisy aggregates, signed) are public. Ids that other nodes will refer
 * to (datasets, releases) carry a `uri`, and a dataset names its group by
 * `group_uri` too, so a later federation layer can hold copies of remote ones
 * (`local` = 0) beside ours.
 */

export type CommonsUnit = "member" | "coop";
export type CommonsPeriod = "month" | "quarter" | "year";
export type CommonsDatasetStatus = "open" | "closed" | "hidden";

export interface CommonsDatasetsTable {
  id: string;
  uri: string;
  /** 1: declared and answered here; 0: a copy of a dataset elsewhere (federation, later). */
  local: number;
  group_id: string | null;
  group_uri: string;
  title: string;
  purpose: string;
  unit: CommonsUnit;
  /** JSON: FieldSpec[] (commons/fields.ts); at most 8, stored in slots f0…f7 of each row. */
  fields: string;
  period: CommonsPeriod;
  /** The ρ each period may spend in total. */
  budget_rho: number;
  /** The ρ a query spends unless it asks for another. */
  default_rho: number;
  /** k: rows kept per privacy unit in a query (contribution bounding). */
  max_rows_per_unit: number;
  /** How many rows one member may have in the dataset at once. */
  max_rows_per_member: number;
  status: CommonsDatasetStatus;
  created_by_uri: string;
  created_at: string;
  updated_at: string;
}

export interface CommonsRowsTable {
  id: string;
  dataset_id: string;
  account_id: string;
  /** The privacy unit this row belongs to: the member's id, or the co-op's actor URI. */
  unit_key: string;
  consent_id: string;
  /** Field values by slot: numbers as integers in the field's fixed-point units, categories as text. */
  f0: string | null;
  f1: string | null;
  f2: string | null;
  f3: string | null;
  f4: string | null;
  f5: string | null;
  f6: string | null;
  f7: string | null;
  created_at: string;
  withdrawn_at: string | null;
  /** The first period (key, e.g. "2026-12") whose queries leave this row out. */
  excluded_from: string | null;
}

export interface CommonsConsentsTable {
  id: string;
  dataset_id: string;
  account_id: string;
  /** "consent" when rows were given for the purpose, "withdraw" when they were taken back. */
  action: "consent" | "withdraw";
  /** The purpose, word for word, as the member saw it. */
  purpose: string;
  rows: number;
  /** For a withdrawal: the first period whose queries leave the rows out. */
  effective_period: string | null;
  created_at: string;
  /** Set when a node admin gave the rows for this node's co-op (privacy unit "coop"): the co-op's actor URI. */
  coop_uri: string | null;
}

export interface CommonsLedgerTable {
  dataset_id: string;
  period: string;
  budget_rho: number;
  spent_rho: number;
  releases: number;
  updated_at: string;
}

export interface CommonsReleasesTable {
  id: string;
  uri: string;
  dataset_id: string;
  period: string;
  /** sha-256 of the canonical query: an identical query in the same period reuses the release. */
  query_hash: string;
  rho: number;
  epsilon: number;
  /** The canonical JSON that was signed: dataset, query, result, cost, time. */
  body: string;
  /** Ed25519 over the UTF-8 bytes of `body`, base64url. */
  signature: string;
  key_id: string;
  created_by_uri: string;
  created_at: string;
}

export interface CommonsReportsTable {
  id: string;
  dataset_id: string;
  reporter_id: string;
  reason: string;
  status: "open" | "dismissed" | "acted";
  settled_by: string | null;
  created_at: string;
  settled_at: string | null;
}

/**
 * A federation's question (on the federation's node): each member co-op's node
 * answers it over its own rows, with its own noise and ledger; the parts are
 * combined once all are in, or when a moderator publishes with what has come.
 */
export interface CommonsFedQueriesTable {
  id: string;
  uri: string;
  dataset_id: string;
  period: string;
  /** JSON: the CanonicalQuery every node answers. */
  query: string;
  query_hash: string;
  rho: number;
  status: "collecting" | "published";
  /** The combined release, once published. */
  release_id: string | null;
  asked_by_uri: string;
  created_at: string;
  /** After this, parts not in are shown as missing when the release is published. */
  closes_at: string;
  published_at: string | null;
}

/** One member co-op's part of a federation's question. */
export interface CommonsFedPartsTable {
  query_id: string;
  coop_uri: string;
  /** waiting: asked; answered: a signed release came; refused: the node said no; missing: nothing came in time. */
  status: "waiting" | "answered" | "refused" | "missing";
  reason: string | null;
  answer_uri: string | null;
  release_uri: string | null;
  /** The member node's signed release body, as received, and its signature. */
  body: string | null;
  signature: string | null;
  key_id: string | null;
  received_at: string | null;
}

/** What this node answered to a federation's question (on a member co-op's node). */
export interface CommonsFedAnswersTable {
  id: string;
  query_uri: string;
  /** The local copy of the federation's dataset. */
  dataset_id: string;
  group_uri: string;
  release_id: string | null;
  /** Why no release: over-budget, closed, invalid, not-found. */
  reason: string | null;
  created_at: string;
}

/** A decision of the owning group that would set a dataset's budget per period. */
export interface CommonsBudgetProposalsTable {
  decision_id: string;
  dataset_id: string;
  budget_rho: number;
  status: "open" | "applied" | "rejected";
  proposed_by_uri: string;
  created_at: string;
  settled_at: string | null;
}

export interface CommonsSchema {
  commons_fed_queries: CommonsFedQueriesTable;
  commons_fed_parts: CommonsFedPartsTable;
  commons_fed_answers: CommonsFedAnswersTable;
  commons_budget_proposals: CommonsBudgetProposalsTable;
  commons_datasets: CommonsDatasetsTable;
  commons_rows: CommonsRowsTable;
  commons_consents: CommonsConsentsTable;
  commons_ledger: CommonsLedgerTable;
  commons_releases: CommonsReleasesTable;
  commons_reports: CommonsReportsTable;
}
