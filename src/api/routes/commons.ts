/**
 * The data commons for apps, under /api/synco/v1/commons (docs/dp.md "The app"):
 * datasets and their budgets, contributing rows with consent, withdrawing, asking
 * a question (answered with a signed release, or the identical release of this
 * period), reading releases. Scopes are Mastodon's: reading is `read`, writing `write`.
 */
import { Hono } from "hono";
import { z } from "zod";
import { contribute, withdrawContributions } from "../../commons/contributions.ts";
import { type Dataset, epsilonOf, findDataset, listDatasets } from "../../commons/datasets.ts";
import { ledgerNow, queryDataset } from "../../commons/queries.ts";
import { findRelease, type ReleaseView } from "../../commons/releases.ts";
import { releaseSigner } from "../../federation/commons-signer.ts";
import { optionalUser, requireUser } from "../auth.ts";
import type { ApiDeps, ApiEnv } from "../deps.ts";
import { ApiError, notFound, unprocessable } from "../errors.ts";
import { readParams } from "../params.ts";

const PREFIX = "/api/synco/v1/commons";

const PROBLEMS: Record<string, [number, string]> = {
  "not-found": [404, "Record not found"],
  closed: [409, "This dataset is closed"],
  forbidden: [403, "You may not contribute to this dataset"],
  "purpose-changed": [409, "The purpose changed: read it again before consenting"],
  "too-many-rows": [422, "Too many rows for one member"],
  invalid: [422, "Invalid input"],
  "nothing-to-withdraw": [404, "Nothing to withdraw"],
};

const serializeDataset = (d: Dataset) => ({
  id: d.id,
  uri: d.uri,
  group: d.group_uri,
  title: d.title,
  purpose: d.purpose,
  privacy_unit: d.unit,
  fields: d.fieldList,
  period: d.period,
  budget: { rho: d.budget_rho, epsilon: epsilonOf(d.budget_rho), delta: 1e-6 },
  default_rho: d.default_rho,
  rows_per_unit: d.max_rows_per_unit,
  rows_per_member: d.max_rows_per_member,
  status: d.status,
  /** false: this node's copy of a federation's dataset (asked by the federation alone). */
  local: d.local === 1,
  created_at: d.created_at,
});

const serializeRelease = (r: ReleaseView) => ({
  id: r.id,
  release: r.parsed,
  body: r.body,
  signature: r.signature,
  key_id: r.key_id,
});

const contributionBody = z.object({
  purpose: z.string().max(2000),
  rows: z
    .array(z.record(z.string().max(30), z.string().max(64)))
    .min(1)
    .max(1000),
});

export function commonsRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const signer = releaseSigner(deps.db, deps.config.origin);
  const ctx = async () => ({
    db: deps.db,
    origin: deps.config.origin,
    clock: deps.clock,
    signer: await signer(),
  });
  const dataset = async (id: string) => {
    const d = await findDataset(deps.db, id);
    if (!d || d.status === "hidden") throw notFound();
    return d;
  };
  const problem = (reason: string) => {
    const [status, text] = PROBLEMS[reason] ?? [422, reason];
    return new ApiError(status as 404, text);
  };

  app.get(`${PREFIX}/datasets`, async (c) => {
    optionalUser(c, "read");
    return c.json((await listDatasets(deps.db)).map(serializeDataset));
  });

  app.get(`${PREFIX}/datasets/:id`, async (c) => {
    optionalUser(c, "read");
    const d = await dataset(c.req.param("id"));
    const l = await ledgerNow(deps.db, d, deps.clock.now());
    return c.json({
      ...serializeDataset(d),
      ledger: {
        period: l.period,
        budget_rho: l.budget,
        spent_rho: l.spent,
        remaining_rho: l.remaining,
      },
    });
  });

  app.post(`${PREFIX}/datasets/:id/contributions`, async (c) => {
    const me = requireUser(c, "write");
    const d = await dataset(c.req.param("id"));
    const parsed = contributionBody.safeParse(await readParams(c));
    if (!parsed.success) throw unprocessable("purpose and rows (1 to 1000) are required");
    const done = await contribute(await ctx(), me, { datasetId: d.id, ...parsed.data });
    if (!done.ok) throw problem(done.reason);
    return c.json({ consent_id: done.value.consentId, rows: done.value.rows }, 201);
  });

  app.delete(`${PREFIX}/datasets/:id/contributions`, async (c) => {
    const me = requireUser(c, "write");
    const d = await dataset(c.req.param("id"));
    const done = await withdrawContributions(await ctx(), me, d.id);
    if (!done.ok) throw problem(done.reason);
    return c.json({ rows: done.value.rows, excluded_from: done.value.from });
  });

  app.post(`${PREFIX}/datasets/:id/queries`, async (c) => {
    const me = requireUser(c, "write");
    const d = await dataset(c.req.param("id"));
    if (d.local !== 1)
      throw new ApiError(403, "Questions to this dataset come from its federation");
    const answer = await queryDataset(await ctx(), me, {
      datasetId: d.id,
      query: await readParams(c),
    });
    if (!answer.ok) {
      if (answer.reason === "over-budget") {
        const l = await ledgerNow(deps.db, d, deps.clock.now());
        throw new ApiError(
          409,
          `Over budget: only ρ = ${l.remaining} of ${l.budget} remains in ${l.period}`,
        );
      }
      throw problem(answer.reason);
    }
    const r = await findRelease(deps.db, answer.value.releaseId);
    if (!r) throw notFound();
    return c.json(
      { ...serializeRelease(r), reused: answer.value.reused },
      answer.value.reused ? 200 : 201,
    );
  });

  app.get(`${PREFIX}/releases/:id`, async (c) => {
    optionalUser(c, "read");
    const r = await findRelease(deps.db, c.req.param("id"));
    if (!r) throw notFound();
    return c.json(serializeRelease(r));
  });

  return app;
}
