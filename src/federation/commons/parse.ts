/**
 * CommonsDataset, CommonsQuestion and CommonsAnswer documents from other nodes
 * to plain input: the edge where their JSON is checked (as budgeting/parse.ts).
 * Only our vocabulary's compact form is read; ids must be the URI fetched; links
 * http(s); every string, number and the whole document capped; JSON literals
 * plain JSON without prototype keys. Whether a question or an answer is the one
 * asked is the capability's to check (commons/federated/).
 */
import { z } from "zod";
import type { RemoteDatasetInput } from "../../commons/federated/copies.ts";
import type { CanonicalQuery } from "../../commons/fields.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { plainJson } from "../decisions/parse.ts";
import { date, isHttpUrl, one, text, url } from "../extension-schemas.ts";
import { COMMONS_NS } from "./vocab.ts";

export const MAX_DOCUMENT_BYTES = 200_000;
/** A release body: eight fields, fifty keys, a few noises: well under. */
export const MAX_SIGNED_BODY = 100_000;

export type DocumentProblem =
  | "not-an-object"
  | "too-large"
  | "not-our-vocabulary"
  | "wrong-type"
  | "wrong-id"
  | "bad-field"
  | "unsafe-json";

function asDocument(
  raw: unknown,
  type: string,
  expectedId: string,
): Result<Record<string, unknown>, DocumentProblem> {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return fail("not-an-object");
  let size = Number.POSITIVE_INFINITY;
  try {
    size = JSON.stringify(raw)?.length ?? size;
  } catch {}
  if (size > MAX_DOCUMENT_BYTES) return fail("too-large");
  const doc = raw as Record<string, unknown>;
  const context = Array.isArray(doc["@context"]) ? doc["@context"] : [doc["@context"]];
  if (
    !context.some((c) => !!c && typeof c === "object" && (c as { dp?: unknown }).dp === COMMONS_NS)
  )
    return fail("not-our-vocabulary");
  if (doc.type !== type) return fail("wrong-type");
  if (typeof doc.id !== "string" || doc.id !== expectedId || !isHttpUrl(doc.id))
    return fail("wrong-id");
  return ok(doc);
}

const rho = z.number().positive().max(100);

const datasetSchema = z.object({
  id: url,
  audience: one(url),
  attributedTo: one(url),
  name: text(200).min(1),
  content: text(2000).min(10),
  unit: z.enum(["member", "coop"]),
  fields: z.unknown(),
  period: z.enum(["month", "quarter", "year"]),
  budgetRho: rho,
  defaultRho: rho,
  rowsPerUnit: z.number().int().min(1).max(100),
  rowsPerMember: z.number().int().min(1).max(10_000),
  published: date,
});

export function parseDatasetDocument(
  raw: unknown,
  expectedId: string,
): Result<RemoteDatasetInput, DocumentProblem> {
  const doc = asDocument(raw, "CommonsDataset", expectedId);
  if (!doc.ok) return doc;
  const fields = plainJson(doc.value.fields, 2_000);
  if (fields === null) return fail("unsafe-json");
  const d = datasetSchema.safeParse(doc.value);
  if (!d.success) return fail("bad-field");
  return ok({
    uri: d.data.id,
    groupUri: d.data.audience,
    title: d.data.name,
    purpose: d.data.content.trim(),
    unit: d.data.unit,
    fields,
    period: d.data.period,
    budgetRho: d.data.budgetRho,
    defaultRho: d.data.defaultRho,
    maxRowsPerUnit: d.data.rowsPerUnit,
    maxRowsPerMember: d.data.rowsPerMember,
    createdByUri: d.data.attributedTo,
    published: d.data.published,
  });
}

const canonicalQuerySchema = z.strictObject({
  mechanism: z.enum(["count", "sum", "mean", "histogram", "quantile"]),
  field: z.string().max(30).nullable(),
  by: z.string().max(30).nullable(),
  quantile: z.number().min(0).max(1).nullable(),
  rho,
  noise: z.enum(["gauss", "laplace"]),
  rowsPerUnit: z.number().int().min(1).max(100),
  confidence: z.number().gt(0).lt(1),
});

const questionSchema = z.object({
  id: url,
  audience: one(url),
  dataset: url,
  period: text(10).regex(/^\d{4}(-(\d{2}|Q[1-4]))?$/),
  query: z.unknown(),
});

export interface QuestionInput {
  uri: string;
  groupUri: string;
  datasetUri: string;
  period: string;
  query: CanonicalQuery;
}

export function parseQuestionDocument(
  raw: unknown,
  expectedId: string,
): Result<QuestionInput, DocumentProblem> {
  const doc = asDocument(raw, "CommonsQuestion", expectedId);
  if (!doc.ok) return doc;
  const q = questionSchema.safeParse(doc.value);
  if (!q.success) return fail("bad-field");
  const query = canonicalQuerySchema.safeParse(plainJson(q.data.query, 100));
  if (!query.success) return fail("bad-field");
  return ok({
    uri: q.data.id,
    groupUri: q.data.audience,
    datasetUri: q.data.dataset,
    period: q.data.period,
    query: query.data,
  });
}

const answerSchema = z.object({
  id: url,
  attributedTo: one(url),
  inReplyTo: one(url),
  dataset: url,
  outcome: z.enum(["released", "refused"]),
  reason: text(60).optional(),
  release: url.optional(),
  signedBody: z.string().max(MAX_SIGNED_BODY).optional(),
  signature: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]*$/)
    .optional(),
  keyId: url.optional(),
});

export interface AnswerInput {
  uri: string;
  coopUri: string;
  queryUri: string;
  datasetUri: string;
  outcome: "released" | "refused";
  reason: string | null;
  release: { uri: string; body: string; signature: string; keyId: string } | null;
}

export function parseAnswerDocument(
  raw: unknown,
  expectedId: string,
): Result<AnswerInput, DocumentProblem> {
  const doc = asDocument(raw, "CommonsAnswer", expectedId);
  if (!doc.ok) return doc;
  const a = answerSchema.safeParse(doc.value);
  if (!a.success) return fail("bad-field");
  const v = a.data;
  if (v.outcome === "released" && !(v.release && v.signedBody && v.signature && v.keyId))
    return fail("bad-field");
  return ok({
    uri: v.id,
    coopUri: v.attributedTo,
    queryUri: v.inReplyTo,
    datasetUri: v.dataset,
    outcome: v.outcome,
    reason: v.reason ?? null,
    release:
      v.outcome === "released" && v.release && v.signedBody && v.signature && v.keyId
        ? { uri: v.release, body: v.signedBody, signature: v.signature, keyId: v.keyId }
        : null,
  });
}
