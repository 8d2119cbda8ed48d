/**
 * A member co-op's node answers its federation's question over its own rows:
 * through queryDataset on the copy, so with this node's own noise, its own
 * ledger (the copy's budget per period, charged in the release's transaction,
 * refused when it would overspend) and its own signature. What it answered —
 * a release, or why not — is recorded once per question (a repeated delivery
 * finds it) with an outbox event; the relay sends it to the federation's Group.
 * Only the release goes out: the rows stay here.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../../db/outbox.ts";
import type { Schema } from "../../db/schema.ts";
import { newId } from "../../kernel/ids.ts";
import type { CommonsContext } from "../context.ts";
import { type CanonicalQuery, canonicalJson } from "../fields.ts";
import { queryDataset } from "../queries.ts";
import { copyByUri, inFederation } from "./copies.ts";

export interface FederationQuestion {
  /** The question's id on the federation's node. */
  queryUri: string;
  datasetUri: string;
  groupUri: string;
  query: CanonicalQuery;
}

export interface RecordedAnswer {
  answerId: string;
  releaseId: string | null;
  reason: string | null;
}

/** The question as queryDataset takes it: the canonical form without what the dataset fixes. */
export const askedInput = (q: CanonicalQuery) => ({
  mechanism: q.mechanism,
  ...(q.field ? { field: q.field } : {}),
  ...(q.by ? { by: q.by } : {}),
  ...(q.quantile !== null ? { quantile: q.quantile } : {}),
  rho: q.rho,
  noise: q.noise,
});

export function answerOf(db: Kysely<Schema>, queryUri: string) {
  return db
    .selectFrom("commons_fed_answers")
    .selectAll()
    .where("query_uri", "=", queryUri)
    .executeTakeFirst();
}

/** Answers (or refuses, saying why) once; a repeat returns the first answer. */
export async function answerFederation(
  ctx: CommonsContext,
  q: FederationQuestion,
): Promise<RecordedAnswer | null> {
  const had = await answerOf(ctx.db, q.queryUri);
  if (had) return { answerId: had.id, releaseId: had.release_id, reason: had.reason };
  const copy = await copyByUri(ctx.db, q.datasetUri);
  // Not a dataset of a federation we are in: nothing to answer, nothing to record.
  if (copy?.local !== 0 || copy.group_uri !== q.groupUri) return null;
  if (!(await inFederation(ctx.db, q.groupUri))) return null;
  let releaseId: string | null = null;
  let reason: string | null = null;
  if (q.query.rowsPerUnit !== copy.max_rows_per_unit) reason = "different-question";
  else {
    const answered = await queryDataset(
      ctx,
      { uri: q.groupUri },
      { datasetId: copy.id, query: askedInput(q.query) },
    );
    if (answered.ok) releaseId = answered.value.releaseId;
    else reason = answered.reason;
  }
  if (releaseId) {
    // The release must answer exactly the federation's question (same canonical form).
    const r = await ctx.db
      .selectFrom("commons_releases")
      .select("body")
      .where("id", "=", releaseId)
      .executeTakeFirstOrThrow();
    if (
      canonicalJson((JSON.parse(r.body) as { query: unknown }).query) !== canonicalJson(q.query)
    ) {
      releaseId = null;
      reason = "different-question";
    }
  }
  const answerId = newId();
  const inserted = await ctx.db.transaction().execute(async (trx) => {
    const done = await trx
      .insertInto("commons_fed_answers")
      .values({
        id: answerId,
        query_uri: q.queryUri,
        dataset_id: copy.id,
        group_uri: q.groupUri,
        release_id: releaseId,
        reason,
        created_at: ctx.clock.now().toISOString(),
      })
      .onConflict((oc) => oc.column("query_uri").doNothing())
      .executeTakeFirst();
    if (Number(done.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    await recordEvent(trx, { type: "commons.federated-answer.recorded", payload: { answerId } });
    return true;
  });
  if (!inserted) {
    const first = await answerOf(ctx.db, q.queryUri);
    return first ? { answerId: first.id, releaseId: first.release_id, reason: first.reason } : null;
  }
  return { answerId, releaseId, reason };
}

/** An answer of this node with its release, as the federation's node fetches it. */
export async function answerWithRelease(db: Kysely<Schema>, id: string) {
  const a = await db
    .selectFrom("commons_fed_answers as a")
    .innerJoin("commons_datasets as d", "d.id", "a.dataset_id")
    .leftJoin("commons_releases as r", "r.id", "a.release_id")
    .select([
      "a.id",
      "a.query_uri",
      "a.group_uri",
      "a.reason",
      "a.created_at",
      "d.uri as dataset_uri",
      "r.uri as release_uri",
      "r.body",
      "r.signature",
      "r.key_id",
    ])
    .where("a.id", "=", id)
    .executeTakeFirst();
  if (!a) return undefined;
  const release =
    a.release_uri && a.body && a.signature && a.key_id
      ? { uri: a.release_uri, body: a.body, signature: a.signature, keyId: a.key_id }
      : null;
  return { ...a, release };
}

export const answerUri = (origin: string, id: string) => `${origin}/commons/answers/${id}`;
