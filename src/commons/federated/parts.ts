/**
 * Parts of a federation's question coming back, and the combined release (on
 * the federation's node). A part is taken only from the co-op it was asked of,
 * while the question is collecting, and only if its release is signed (Ed25519
 * over its canonical body, key id on the co-op's own server), is about this
 * dataset and period, and answers exactly the question asked. When no part is
 * waiting any more — or a moderator publishes with what has come, or the
 * window has passed — the answered parts are combined (combine.ts) and the
 * combined release is signed by this node and published; a co-op that refused
 * or did not answer is listed with its status, never silently dropped.
 */
import type { Kysely } from "kysely";
import { locksRows } from "../../accounts/locking.ts";
import { recordEvent } from "../../db/outbox.ts";
import type { Schema } from "../../db/schema.ts";
import { findGroupById } from "../../groups/groups.ts";
import { canModerate, standingOf } from "../../groups/standing.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import type { CommonsContext, CommonsMember } from "../context.ts";
import { type Dataset, findDataset, releaseUri } from "../datasets.ts";
import { privacyCost } from "../dp/index.ts";
import { type CanonicalQuery, canonicalJson } from "../fields.ts";
import type { CombinedPart, ReleaseBody } from "../releases.ts";
import { signBody, verifyRelease } from "../signing.ts";
import { combineParts, type FederatedMechanism, type PartAnswer } from "./combine.ts";

export interface PartInput {
  queryUri: string;
  /** The co-op whose node answered (the activity's actor). */
  coopUri: string;
  answerUri: string | null;
  outcome: "released" | "refused";
  reason?: string;
  release?: { uri: string; body: string; signature: string; keyId: string };
}

export type PartProblem =
  | "not-found"
  | "not-asked"
  | "already"
  | "closed"
  | "bad-signature"
  | "not-its-release"
  | "different-question";

const sameOrigin = (a: string, b: string) =>
  URL.canParse(a) && URL.canParse(b) && new URL(a).origin === new URL(b).origin;

type Trx = Kysely<Schema>;

async function lockQuery(trx: Trx, where: { uri: string } | { id: string }) {
  let q = trx.selectFrom("commons_fed_queries").selectAll();
  q = "uri" in where ? q.where("uri", "=", where.uri) : q.where("id", "=", where.id);
  if (locksRows(trx)) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Why a received release is not this part's answer, or null when it is. */
function checkRelease(
  input: NonNullable<PartInput["release"]>,
  coop: string,
  dataset: Dataset,
  fq: { period: string; query: string },
): PartProblem | null {
  let body: ReleaseBody;
  try {
    body = JSON.parse(input.body) as ReleaseBody;
  } catch {
    return "not-its-release";
  }
  if (canonicalJson(body) !== input.body) return "not-its-release";
  if (!sameOrigin(input.keyId, coop) || !sameOrigin(input.uri, coop)) return "not-its-release";
  if (body.signer?.keyId !== input.keyId || body.id !== input.uri) return "not-its-release";
  if (!verifyRelease(input.body, input.signature, body.signer.publicKeyJwk)) return "bad-signature";
  if (body.type !== "SyncoCommonsRelease" || body.dataset?.id !== dataset.uri)
    return "not-its-release";
  if (body.period !== fq.period) return "different-question";
  if (canonicalJson(body.query) !== fq.query) return "different-question";
  return null;
}

export async function receivePart(
  ctx: CommonsContext,
  input: PartInput,
): Promise<Result<{ published: boolean }, PartProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const fq = await lockQuery(trx, { uri: input.queryUri });
    if (!fq) return fail("not-found");
    const part = await trx
      .selectFrom("commons_fed_parts")
      .selectAll()
      .where("query_id", "=", fq.id)
      .where("coop_uri", "=", input.coopUri)
      .executeTakeFirst();
    if (!part) return fail("not-asked");
    if (fq.status !== "collecting") return fail("closed");
    if (part.status !== "waiting") return fail("already");
    const dataset = await findDataset(trx, fq.dataset_id);
    if (!dataset) return fail("not-found");
    const at = ctx.clock.now().toISOString();
    if (input.outcome === "released" && input.release) {
      const wrong = checkRelease(input.release, input.coopUri, dataset, fq);
      if (wrong) return fail(wrong);
      await trx
        .updateTable("commons_fed_parts")
        .set({
          status: "answered",
          answer_uri: input.answerUri,
          release_uri: input.release.uri,
          body: input.release.body,
          signature: input.release.signature,
          key_id: input.release.keyId,
          received_at: at,
        })
        .where("query_id", "=", fq.id)
        .where("coop_uri", "=", input.coopUri)
        .execute();
    } else
      await trx
        .updateTable("commons_fed_parts")
        .set({
          status: "refused",
          answer_uri: input.answerUri,
          reason: (input.reason ?? "refused").slice(0, 60),
          received_at: at,
        })
        .where("query_id", "=", fq.id)
        .where("coop_uri", "=", input.coopUri)
        .execute();
    const waiting = await trx
      .selectFrom("commons_fed_parts")
      .select("coop_uri")
      .where("query_id", "=", fq.id)
      .where("status", "=", "waiting")
      .executeTakeFirst();
    if (waiting) return ok({ published: false });
    await publishWithin(trx, ctx, fq.id, dataset);
    return ok({ published: true });
  });
}

/**
 * A moderator of the federation publishes with what has come: parts still
 * waiting are marked missing. Also what the pages do once the window is over.
 */
export async function publishFederatedQuery(
  ctx: CommonsContext,
  by: CommonsMember | "window-over",
  queryId: string,
): Promise<
  Result<{ releaseId: string | null }, "not-found" | "forbidden" | "closed" | "still-open">
> {
  return ctx.db.transaction().execute(async (trx) => {
    const fq = await lockQuery(trx, { id: queryId });
    if (!fq) return fail("not-found");
    const dataset = await findDataset(trx, fq.dataset_id);
    const group = dataset?.group_id ? await findGroupById(trx, dataset.group_id) : undefined;
    if (!dataset || !group) return fail("not-found");
    if (fq.status !== "collecting") return fail("closed");
    if (by === "window-over") {
      if (fq.closes_at > ctx.clock.now().toISOString()) return fail("still-open");
    } else {
      const standing = await standingOf(trx, ctx.origin, group, by);
      if (standing.status !== "active" || !canModerate(standing.role)) return fail("forbidden");
    }
    return ok({ releaseId: await publishWithin(trx, ctx, fq.id, dataset) });
  });
}

/** Combines the answered parts, signs and stores the combined release (null: nobody answered). */
async function publishWithin(
  trx: Trx,
  ctx: CommonsContext,
  queryId: string,
  dataset: Dataset,
): Promise<string | null> {
  const fq = await trx
    .selectFrom("commons_fed_queries")
    .selectAll()
    .where("id", "=", queryId)
    .executeTakeFirstOrThrow();
  await trx
    .updateTable("commons_fed_parts")
    .set({ status: "missing" })
    .where("query_id", "=", queryId)
    .where("status", "=", "waiting")
    .execute();
  const parts = await trx
    .selectFrom("commons_fed_parts")
    .selectAll()
    .where("query_id", "=", queryId)
    .orderBy("coop_uri")
    .execute();
  const query = JSON.parse(fq.query) as CanonicalQuery;
  const answered = parts.filter((p) => p.status === "answered" && p.body);
  const bodies = answered.map((p) => JSON.parse(p.body as string) as ReleaseBody);
  const partAnswers: PartAnswer[] = bodies.map((b) => {
    const noise = b.result.noise.find((n) => n.for !== "clipped-units") ?? b.result.noise[0];
    return {
      estimates: b.result.estimates.map((e) => ({ key: e.key, value: e.value })),
      noise: {
        kind: noise?.kind ?? "gauss",
        scale: noise?.scale ?? "1",
        units: noise?.units ?? "1",
      },
    };
  });
  const combined =
    partAnswers.length > 0
      ? combineParts(query.mechanism as FederatedMechanism, partAnswers, query.confidence)
      : null;
  const now = ctx.clock.now().toISOString();
  let releaseId: string | null = null;
  if (combined?.ok) {
    releaseId = newId();
    const uri = releaseUri(ctx.origin, releaseId);
    const cost = privacyCost(fq.rho);
    const summary: CombinedPart[] = parts.map((p) => ({
      coop: p.coop_uri,
      status: p.status === "waiting" ? "missing" : p.status,
      reason: p.reason,
      release: p.release_uri,
      signature: p.signature,
      keyId: p.key_id,
    }));
    const body = canonicalJson({
      type: "SyncoCommonsCombinedRelease",
      id: uri,
      dataset: {
        id: dataset.uri,
        title: dataset.title,
        group: dataset.group_uri,
        purpose: dataset.purpose,
        unit: dataset.unit,
        fields: dataset.fieldList.filter((f) => f.name === query.field || f.name === query.by),
      },
      period: fq.period,
      query,
      result: {
        estimates: combined.value.estimates,
        noise: bodies.map((b, i) => {
          const n = b.result.noise.find((x) => x.for !== "clipped-units") ?? b.result.noise[0];
          return { ...n, for: answered[i]?.coop_uri ?? "" };
        }),
        clippedUnits: null,
      },
      combination: {
        method: combined.value.method,
        halfWidth: combined.value.halfWidth,
        answered: answered.length,
        of: parts.length,
      },
      parts: summary,
      // Each unit's rows sit on one node, and each node spent ρ on its own ledger:
      // a unit is covered by that ρ (the combination is post-processing).
      cost: { rho: cost.rho, epsilon: cost.epsilon, delta: cost.delta },
      published: now,
      signer: { keyId: ctx.signer.keyId, publicKeyJwk: ctx.signer.publicKeyJwk },
    });
    await trx
      .insertInto("commons_releases")
      .values({
        id: releaseId,
        uri,
        dataset_id: dataset.id,
        period: fq.period,
        query_hash: fq.query_hash,
        rho: cost.rho,
        epsilon: cost.epsilon,
        body,
        signature: signBody(ctx.signer, body),
        key_id: ctx.signer.keyId,
        created_by_uri: fq.asked_by_uri,
        created_at: now,
      })
      .execute();
    await recordEvent(trx, {
      type: "commons.release.published",
      payload: { datasetId: dataset.id, releaseId },
    });
  }
  await trx
    .updateTable("commons_fed_queries")
    .set({ status: "published", release_id: releaseId, published_at: now })
    .where("id", "=", queryId)
    .execute();
  await recordEvent(trx, { type: "commons.federated-query.published", payload: { queryId } });
  return releaseId;
}

export async function findFederatedQuery(db: Kysely<Schema>, id: string) {
  const fq = await db
    .selectFrom("commons_fed_queries")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  if (!fq) return undefined;
  const parts = await db
    .selectFrom("commons_fed_parts")
    .select(["coop_uri", "status", "reason", "release_uri", "received_at"])
    .where("query_id", "=", id)
    .orderBy("coop_uri")
    .execute();
  return { ...fq, parsedQuery: JSON.parse(fq.query) as CanonicalQuery, parts };
}

export function federatedQueriesOf(db: Kysely<Schema>, datasetId: string, limit = 50) {
  return db
    .selectFrom("commons_fed_queries")
    .selectAll()
    .where("dataset_id", "=", datasetId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}
