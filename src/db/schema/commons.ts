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

export interface CommonsSchema {
  commons_datasets: CommonsDatasetsTable;
  commons_rows: CommonsRowsTable;
  commons_consents: CommonsConsentsTable;
  commons_ledger: CommonsLedgerTable;
  commons_releases: CommonsReleasesTable;
  commons_reports: CommonsReportsTable;
}
