/**
 * The data commons as documents of our vocabulary (vocab.ts,
 * docs/commons-context.jsonld): pure converters, no database. A federation's
 * dataset and question are served by the federation's node and travel by
 * reference (Create by the Group); a member node's answer is served by that
 * node and travels by reference (Create by its co-op, to the Group). An answer
 * carries the member node's release as it signed it, never a row.
 */
import type { Dataset } from "../../commons/datasets.ts";
import type { CanonicalQuery } from "../../commons/fields.ts";
import { DOCUMENT_CONTEXT } from "./vocab.ts";

export function datasetDocument(d: Dataset): Record<string, unknown> {
  return {
    "@context": DOCUMENT_CONTEXT,
    id: d.uri,
    type: "CommonsDataset",
    attributedTo: d.created_by_uri,
    audience: d.group_uri,
    to: [d.group_uri],
    name: d.title,
    content: d.purpose,
    mediaType: "text/plain",
    unit: d.unit,
    fields: d.fieldList,
    period: d.period,
    budgetRho: d.budget_rho,
    defaultRho: d.default_rho,
    rowsPerUnit: d.max_rows_per_unit,
    rowsPerMember: d.max_rows_per_member,
    published: d.created_at,
    updated: d.updated_at,
  };
}

export interface QuestionView {
  uri: string;
  datasetUri: string;
  groupUri: string;
  askedByUri: string;
  period: string;
  query: CanonicalQuery;
  closesAt: string;
  createdAt: string;
}

export function questionDocument(q: QuestionView): Record<string, unknown> {
  return {
    "@context": DOCUMENT_CONTEXT,
    id: q.uri,
    type: "CommonsQuestion",
    attributedTo: q.askedByUri,
    audience: q.groupUri,
    to: [q.groupUri],
    dataset: q.datasetUri,
    period: q.period,
    query: q.query,
    rho: q.query.rho,
    endTime: q.closesAt,
    published: q.createdAt,
  };
}

export interface AnswerView {
  uri: string;
  coopUri: string;
  groupUri: string;
  queryUri: string;
  datasetUri: string;
  createdAt: string;
  release: { uri: string; body: string; signature: string; keyId: string } | null;
  reason: string | null;
}

export function answerDocument(a: AnswerView): Record<string, unknown> {
  const parsed = a.release
    ? (JSON.parse(a.release.body) as { cost?: { rho?: number }; result?: { noise?: unknown } })
    : null;
  return {
    "@context": DOCUMENT_CONTEXT,
    id: a.uri,
    type: "CommonsAnswer",
    attributedTo: a.coopUri,
    to: [a.groupUri],
    inReplyTo: a.queryUri,
    dataset: a.datasetUri,
    outcome: a.release ? "released" : "refused",
    ...(a.release
      ? {
          release: a.release.uri,
          // The parameters in the open, for readers; the signed body is what counts.
          rho: parsed?.cost?.rho ?? 0,
          noise: parsed?.result?.noise ?? [],
          signedBody: a.release.body,
          signature: a.release.signature,
          keyId: a.release.keyId,
        }
      : { reason: a.reason ?? "refused" }),
    published: a.createdAt,
  };
}
