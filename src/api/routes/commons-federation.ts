/**
 * The federated data commons for apps, under /api/synco/v1/commons (docs/dp.md
 * "Federation"): a federation's moderators ask every member co-op and publish
 * with the parts in; anyone reads a question and its parts; a node admin stops
 * or resumes answering from a copy; a member proposes a budget (a decision).
 */
import { Hono } from "hono";
import { z } from "zod";
import { proposeBudget } from "../../commons/budget-decisions.ts";
import { findDataset } from "../../commons/datasets.ts";
import { askFederation } from "../../commons/federated/asking.ts";
import { setAnswering } from "../../commons/federated/copies.ts";
import { findFederatedQuery, publishFederatedQuery } from "../../commons/federated/parts.ts";
import { releaseSigner } from "../../federation/commons-signer.ts";
import { optionalUser, requireUser } from "../auth.ts";
import type { ApiDeps, ApiEnv } from "../deps.ts";
import { ApiError, notFound, unprocessable } from "../errors.ts";
import { readParams } from "../params.ts";

const PREFIX = "/api/synco/v1/commons";

const PROBLEMS: Record<string, [number, string]> = {
  "not-found": [404, "Record not found"],
  forbidden: [403, "You may not do that"],
  invalid: [422, "Invalid input"],
  "not-a-federation": [422, "Only a federation's dataset is asked of its member co-ops"],
  "no-members": [409, "The federation has no member co-op"],
  closed: [409, "This question is already published"],
  "same-budget": [422, "That is the budget already"],
};

export function commonsFederationRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const signer = releaseSigner(deps.db, deps.config.origin);
  const ctx = async () => ({
    db: deps.db,
    origin: deps.config.origin,
    clock: deps.clock,
    signer: await signer(),
  });
  const problem = (reason: string) => {
    const [status, text] = PROBLEMS[reason] ?? [422, reason];
    return new ApiError(status as 404, text);
  };
  const question = async (id: string) => {
    const q = await findFederatedQuery(deps.db, id);
    const d = q && (await findDataset(deps.db, q.dataset_id));
    if (!q || !d || d.status === "hidden") throw notFound();
    return {
      id: q.id,
      uri: q.uri,
      dataset_id: q.dataset_id,
      period: q.period,
      query: q.parsedQuery,
      status: q.status,
      closes_at: q.closes_at,
      release_id: q.release_id,
      parts: q.parts.map((p) => ({
        coop: p.coop_uri,
        status: p.status,
        reason: p.reason,
        release: p.release_uri,
        received_at: p.received_at,
      })),
    };
  };

  app.post(`${PREFIX}/datasets/:id/federated-queries`, async (c) => {
    const me = requireUser(c, "write");
    const asked = await askFederation(await ctx(), me, {
      datasetId: c.req.param("id"),
      query: await readParams(c),
    });
    if (!asked.ok) throw problem(asked.reason);
    return c.json(await question(asked.value.id), asked.value.reused ? 200 : 201);
  });

  app.get(`${PREFIX}/federated-queries/:id`, async (c) => {
    optionalUser(c, "read");
    return c.json(await question(c.req.param("id")));
  });

  app.post(`${PREFIX}/federated-queries/:id/publish`, async (c) => {
    const me = requireUser(c, "write");
    const done = await publishFederatedQuery(await ctx(), me, c.req.param("id"));
    if (!done.ok) throw problem(done.reason);
    return c.json(await question(c.req.param("id")));
  });

  app.put(`${PREFIX}/datasets/:id/answering`, async (c) => {
    const me = requireUser(c, "write");
    const parsed = z.strictObject({ answering: z.boolean() }).safeParse(await readParams(c));
    if (!parsed.success) throw unprocessable("answering: true or false");
    const done = await setAnswering(await ctx(), me, {
      datasetId: c.req.param("id"),
      answering: parsed.data.answering,
    });
    if (!done.ok) throw problem(done.reason);
    return c.json({ answering: parsed.data.answering });
  });

  app.post(`${PREFIX}/datasets/:id/budget-proposals`, async (c) => {
    const me = requireUser(c, "write");
    const done = await proposeBudget(
      { ...(await ctx()), domain: new URL(deps.config.origin).host },
      me,
      { datasetId: c.req.param("id"), proposal: await readParams(c) },
    );
    if (!done.ok) throw problem(done.reason);
    return c.json({ decision_id: done.value.decisionId }, 201);
  });

  return app;
}
