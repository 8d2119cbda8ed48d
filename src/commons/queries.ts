/**
 * Answering a query: the engine (commons/dp) runs over the dataset's rows, and
 * the budget ledger of the dataset's period is charged in the same transaction
 * as the release is written. The ledger row is locked first (FOR UPDATE on
 * PostgreSQL; SQLite's BEGIN IMMEDIATE already admits one writer), so two
 * queries at once cannot both see the same remaining budget. An identical query
 * in the same period returns the published release and spends nothing.
 *
 * Every release also reports, with noise, how many privacy units had rows
 * clipped (rows beyond the per-unit limit, values outside the public bounds):
 * counting units keeps that count's sensitivity at 1. It takes a tenth of the
 * query's ρ, so the whole release costs what was asked.
 */
import type { Kysely } from "kysely";
import { locksRows } from "../accounts/locking.ts";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { memberUri } from "../kernel/uris.ts";
import type { CommonsContext, CommonsMember } from "./context.ts";
import { type Dataset, findDataset, releaseUri } from "./datasets.ts";
import {
  BudgetExceededError,
  cryptoByteSource,
  histogram,
  PrivacyFilter,
  privacyCost,
  type QuerySpec,
  type Release,
  runQuery,
} from "./dp/index.ts";
import {
  type CanonicalQuery,
  canonicalJson,
  canonicalQuery,
  type FieldSpec,
  periodOf,
  queryHash,
} from "./fields.ts";
import { boundsOf, loadQueryTable } from "./query-table.ts";
import { signBody } from "./signing.ts";

/** The share of a query's ρ spent on the noisy count of clipped units. */
export const CLIPPED_SHARE = 0.1;

export type QueryProblem = "not-found" | "closed" | "invalid" | "over-budget";

export interface Answer {
  releaseId: string;
  /** true when an identical earlier query's release was returned (nothing spent). */
  reused: boolean;
}

export interface LedgerState {
  period: string;
  budget: number;
  spent: number;
  remaining: number;
}

/** The ledger of a dataset's current period as it stands (no row yet: nothing spent). */
export async function ledgerNow(
  db: Kysely<Schema>,
  dataset: Dataset,
  at: Date,
): Promise<LedgerState> {
  const period = periodOf(dataset.period, at);
  const row = await db
    .selectFrom("commons_ledger")
    .selectAll()
    .where("dataset_id", "=", dataset.id)
    .where("period", "=", period)
    .executeTakeFirst();
  const budget = row?.budget_rho ?? dataset.budget_rho;
  const spent = row?.spent_rho ?? 0;
  return { period, budget, spent, remaining: Math.max(0, budget - spent) };
}

/** The engine's question for a canonical query; values are in fixed-point units, so the grid is 1. */
export function engineSpec(
  fields: readonly FieldSpec[],
  q: CanonicalQuery,
  rho: number,
): QuerySpec {
  const field = fields.find((f) => f.name === q.field);
  const by = fields.find((f) => f.name === q.by);
  const base = {
    mechanism: q.mechanism,
    unit: "unit",
    maxRowsPerUnit: q.rowsPerUnit,
    noise: q.noise,
    rho,
    confidence: q.confidence,
    ...(by?.type === "category" ? { by: by.name, keys: by.values } : {}),
  };
  if (field?.type === "category") return { ...base, column: field.name, keys: field.values };
  if (field?.type !== "number") return base;
  const { lower, upper } = boundsOf(field);
  const common = { ...base, column: field.name, lower: `${lower}`, upper: `${upper}`, grid: "1" };
  if (q.mechanism !== "quantile") return common;
  const stride = Math.max(1, Math.ceil((upper - lower) / 200));
  const candidates: number[] = [];
  for (let c = lower; c < upper; c += stride) candidates.push(c);
  candidates.push(upper);
  return { ...common, quantile: `${q.quantile ?? 0.5}`, candidates };
}

/** The signed body's result part: estimates in the field's own units. */
function resultOf(dataset: Dataset, q: CanonicalQuery, main: Release, clip: Release) {
  const field = dataset.fieldList.find((f) => f.name === q.field);
  const step = field?.type === "number" && q.mechanism !== "count" ? boundsOf(field).step : 1;
  const scale = (x: number) => (step === 1 ? x : Number((x * step).toPrecision(15)));
  const c = clip.estimates[0];
  return {
    estimates: main.estimates.map((e) => ({
      key: e.key ?? null,
      value: scale(e.value),
      low: e.ci.of === "rank-gap" ? e.ci.low : scale(e.ci.low),
      high: e.ci.of === "rank-gap" ? e.ci.high : scale(e.ci.high),
      level: e.ci.level,
      of: e.ci.of ?? "value",
    })),
    noise: [...main.noise, ...clip.noise].map((n, i) => ({
      ...n,
      for: i < main.noise.length ? main.mechanism : "clipped-units",
      // Only a sum's noise (and a mean's first, its sum) is in the field's grid units.
      units:
        step !== 1 && (q.mechanism === "sum" || (q.mechanism === "mean" && i === 0))
          ? `1/${Math.round(1 / step)}`
          : "1",
    })),
    clippedUnits: c ? { value: c.value, low: c.ci.low, high: c.ci.high, level: c.ci.level } : null,
  };
}

/**
 * Deletes the withdrawn rows whose exclusion has begun, in every dataset of this
 * node: the periodic sweep (a question deletes its own dataset's too). Only
 * rows excluded from this period or an earlier one go, so every release of a
 * period is still computed over the same rows. The partial index of
 * migration 0041 holds only withdrawn rows, so finding them costs nothing
 * while there are none. Returns how many rows were deleted.
 */
export async function sweepWithdrawnRows(db: Kysely<Schema>, at: Date): Promise<number> {
  const withdrawn = await db
    .selectFrom("commons_rows")
    .innerJoin("commons_datasets", "commons_datasets.id", "commons_rows.dataset_id")
    .select(["commons_datasets.id", "commons_datasets.period"])
    .where("commons_rows.excluded_from", "is not", null)
    .distinct()
    .execute();
  let deleted = 0;
  for (const dataset of withdrawn) {
    const done = await db
      .deleteFrom("commons_rows")
      .where("dataset_id", "=", dataset.id)
      .where("excluded_from", "<=", periodOf(dataset.period, at))
      .executeTakeFirst();
    deleted += Number(done.numDeletedRows);
  }
  return deleted;
}

/** Runs a query, or returns the identical one already published this period. */
export async function queryDataset(
  ctx: CommonsContext,
  /** A member here, or (a federation's question) the Group that asked, by URI. */
  member: CommonsMember | { uri: string },
  input: { datasetId: string; query: unknown },
): Promise<Result<Answer, QueryProblem>> {
  const found = await findDataset(ctx.db, input.datasetId);
  if (!found || found.status === "hidden") return fail("not-found");
  const q = canonicalQuery(found.fieldList, found, input.query);
  if (!q.ok) return fail("invalid");
  return ctx.db.transaction().execute(async (trx) => {
    const dataset = await findDataset(trx, input.datasetId);
    if (!dataset || dataset.status === "hidden") return fail("not-found");
    if (dataset.status !== "open") return fail("closed");
    const now = ctx.clock.now();
    const period = periodOf(dataset.period, now);
    const at = now.toISOString();
    await trx
      .insertInto("commons_ledger")
      .values({
        dataset_id: dataset.id,
        period,
        budget_rho: dataset.budget_rho,
        spent_rho: 0,
        releases: 0,
        updated_at: at,
      })
      .onConflict((oc) => oc.columns(["dataset_id", "period"]).doNothing())
      .execute();
    let lock = trx
      .selectFrom("commons_ledger")
      .selectAll()
      .where("dataset_id", "=", dataset.id)
      .where("period", "=", period);
    if (locksRows(trx)) lock = lock.forUpdate();
    const ledger = await lock.executeTakeFirstOrThrow();
    const hash = queryHash(dataset.uri, period, q.value);
    const same = await trx
      .selectFrom("commons_releases")
      .select("id")
      .where("dataset_id", "=", dataset.id)
      .where("period", "=", period)
      .where("query_hash", "=", hash)
      .executeTakeFirst();
    if (same) return ok({ releaseId: same.id, reused: true });
    const filter = new PrivacyFilter(ledger.budget_rho, ledger.spent_rho);
    if (!filter.canSpend(q.value.rho)) return fail("over-budget");
    // Rows withdrawn with effect from this period or earlier are gone for good.
    await trx
      .deleteFrom("commons_rows")
      .where("dataset_id", "=", dataset.id)
      .where("excluded_from", "<=", period)
      .execute();
    const { table, clippedTable } = await loadQueryTable(trx, dataset, q.value, period);
    const source = cryptoByteSource();
    const mainRho = q.value.rho * (1 - CLIPPED_SHARE);
    let main: Release;
    let clip: Release;
    try {
      main = runQuery(
        table,
        { ...engineSpec(dataset.fieldList, q.value, mainRho), filter },
        source,
      );
      clip = histogram(
        clippedTable,
        "clipped",
        ["yes"],
        {
          rho: q.value.rho - mainRho,
          noise: q.value.noise,
          filter,
          confidence: q.value.confidence,
        },
        source,
      );
    } catch (error) {
      if (error instanceof BudgetExceededError) return fail("over-budget");
      throw error;
    }
    const spent = filter.spent - ledger.spent_rho;
    const id = newId();
    const uri = releaseUri(ctx.origin, id);
    const cost = privacyCost(spent);
    const body = canonicalJson({
      type: "SyncoCommonsRelease",
      id: uri,
      dataset: {
        id: dataset.uri,
        title: dataset.title,
        group: dataset.group_uri,
        purpose: dataset.purpose,
        unit: dataset.unit,
        fields: dataset.fieldList.filter((f) => f.name === q.value.field || f.name === q.value.by),
      },
      period,
      query: q.value,
      result: resultOf(dataset, q.value, main, clip),
      cost: { rho: cost.rho, epsilon: cost.epsilon, delta: cost.delta },
      ledger: { budget: ledger.budget_rho, spentAfter: filter.spent },
      published: at,
      signer: { keyId: ctx.signer.keyId, publicKeyJwk: ctx.signer.publicKeyJwk },
    });
    await trx
      .updateTable("commons_ledger")
      .set({ spent_rho: filter.spent, releases: ledger.releases + 1, updated_at: at })
      .where("dataset_id", "=", dataset.id)
      .where("period", "=", period)
      .execute();
    await trx
      .insertInto("commons_releases")
      .values({
        id,
        uri,
        dataset_id: dataset.id,
        period,
        query_hash: hash,
        rho: cost.rho,
        epsilon: cost.epsilon,
        body,
        signature: signBody(ctx.signer, body),
        key_id: ctx.signer.keyId,
        created_by_uri: "uri" in member ? member.uri : memberUri(ctx.origin, member.username),
        created_at: at,
      })
      .execute();
    await recordEvent(trx, {
      type: "commons.release.published",
      payload: { datasetId: dataset.id, releaseId: id },
    });
    return ok({ releaseId: id, reused: false });
  });
}
