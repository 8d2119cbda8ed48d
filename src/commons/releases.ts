/**
 * Releases as readers see them: the signed body parsed back, and its CSV. A
 * release is never changed after it is written; the body is what was signed.
 */
import type { Kysely, Selectable } from "kysely";
import type { CommonsReleasesTable } from "../db/schema/commons.ts";
import type { Schema } from "../db/schema.ts";
import type { CanonicalQuery, FieldSpec } from "./fields.ts";

export interface ReleaseBody {
  /** A node's own release, or a federation's combination of its member nodes' releases. */
  type: "SyncoCommonsRelease" | "SyncoCommonsCombinedRelease";
  id: string;
  dataset: {
    id: string;
    title: string;
    group: string;
    purpose: string;
    unit: string;
    fields: FieldSpec[];
  };
  period: string;
  query: CanonicalQuery;
  result: {
    estimates: {
      key: string | null;
      value: number;
      low: number;
      high: number;
      level: number;
      of: "value" | "rank-gap";
    }[];
    noise: { kind: string; scale: string; sensitivity: number; for: string; units: string }[];
    clippedUnits: { value: number; low: number; high: number; level: number } | null;
  };
  cost: { rho: number; epsilon: number; delta: number };
  /** This node's ledger after the release; a combined release has none (each node kept its own). */
  ledger?: { budget: number; spentAfter: number };
  /** A combined release: each member co-op's part, answered, refused or missing. */
  parts?: CombinedPart[];
  /** A combined release: how its intervals were found (federated/combine.ts). */
  combination?: {
    method: "convolution" | "chernoff-bound";
    halfWidth: number;
    answered: number;
    of: number;
  };
  published: string;
  signer: { keyId: string; publicKeyJwk: Record<string, string> };
}

export interface CombinedPart {
  coop: string;
  status: "answered" | "refused" | "missing";
  reason: string | null;
  /** The member node's signed release (its id, and its signature over its body). */
  release: string | null;
  signature: string | null;
  keyId: string | null;
}

export type ReleaseRow = Selectable<CommonsReleasesTable>;
export type ReleaseView = ReleaseRow & { parsed: ReleaseBody };

const view = (row: ReleaseRow): ReleaseView => ({
  ...row,
  parsed: JSON.parse(row.body) as ReleaseBody,
});

export async function findRelease(
  db: Kysely<Schema>,
  id: string,
): Promise<ReleaseView | undefined> {
  const row = await db
    .selectFrom("commons_releases")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  return row ? view(row) : undefined;
}

export async function releasesOf(db: Kysely<Schema>, datasetId: string, limit = 50) {
  const rows = await db
    .selectFrom("commons_releases")
    .selectAll()
    .where("dataset_id", "=", datasetId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(view);
}

export async function recentReleases(db: Kysely<Schema>, limit = 20) {
  const rows = await db
    .selectFrom("commons_releases as r")
    .innerJoin("commons_datasets as d", "d.id", "r.dataset_id")
    .selectAll("r")
    .where("d.status", "!=", "hidden")
    .orderBy("r.id", "desc")
    .limit(limit)
    .execute();
  return rows.map(view);
}

const csvCell = (v: string | number | null) => {
  const s = v === null ? "" : String(v);
  // A leading =, +, - or @ would be a formula in a spreadsheet: quote it as text.
  return /[",\n]|^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One line per estimate: key, value, interval, level, and what the interval bounds. */
export function releaseCsv(r: ReleaseBody): string {
  const lines = ["key,value,low,high,level,interval_of"];
  for (const e of r.result.estimates)
    lines.push([e.key, e.value, e.low, e.high, e.level, e.of].map(csvCell).join(","));
  return `${lines.join("\n")}\n`;
}
