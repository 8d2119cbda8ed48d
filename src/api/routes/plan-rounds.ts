/**
 * Plan rounds for apps and machines, under /api/synco/v1/plan-rounds
 * (docs/planning.md "API"): the rounds on this node (hosted and copies), one
 * round with this co-op's part, the plan and the diagnosis, opening a round
 * (a federation group's moderators) and answering this co-op's part (its
 * admins and moderators). Bad input is 422 and writes nothing.
 */
import { Hono } from "hono";
import { answerPart } from "../../economy/plan-rounds/answers.ts";
import { acceptsHours, statedHours, stateHours } from "../../economy/plan-rounds/hours.ts";
import { roundView } from "../../economy/plan-rounds/reads.ts";
import {
  allRounds,
  openRound,
  type PlanCommitment,
  type PlanRound,
} from "../../economy/plan-rounds/rounds.ts";
import { findGroup } from "../../groups/groups.ts";
import { requireUser } from "../auth.ts";
import type { ApiDeps, ApiEnv } from "../deps.ts";
import { ApiError, notFound, unprocessable } from "../errors.ts";

const PREFIX = "/api/synco/v1/plan-rounds";

const OPEN_PROBLEMS: Record<string, [number, string]> = {
  invalid: [422, "title (1–200 characters) and deadline (ISO time) are required"],
  "not-found": [404, "Group not found"],
  "not-a-federation": [422, "Plan rounds are run by federation groups"],
  forbidden: [403, "Only the group's moderators and admins open rounds"],
  "bad-deadline": [422, "deadline must be an hour to 90 days away"],
  "too-many": [409, "The group has too many rounds under way"],
};
const ANSWER_PROBLEMS: Record<string, [number, string]> = {
  invalid: [422, "answer must be accept or reject (with rejected: commitment ids, and a note)"],
  "not-found": [404, "Record not found"],
  forbidden: [403, "Only the co-op's admins and moderators answer for it"],
  "not-accepting": [409, "The round is not waiting for answers"],
  "past-deadline": [409, "The deadline has passed"],
  "no-part": [409, "Your co-op has no part in this revision"],
  "already-answered": [409, "Your co-op has answered this revision"],
  "unknown-commitment": [422, "rejected names a commitment that is not your co-op's"],
  "stale-revision": [409, "That revision has been replaced"],
};

const HOURS_PROBLEMS: Record<string, [number, string]> = {
  invalid: [422, "hours must be a number from 0 to 1,000,000"],
  "not-found": [404, "Record not found"],
  forbidden: [403, "Only the co-op's admins and moderators state its hours"],
  "not-member": [403, "Your co-op is not an active member of this federation"],
  settled: [409, "The round is settled: hours no longer change it"],
};

const problem = (table: Record<string, [number, string]>, reason: string) => {
  const [status, text] = table[reason] ?? [422, reason];
  return new ApiError(status as 422, text);
};

const serializeRound = (r: PlanRound) => ({
  id: r.id,
  uri: r.uri,
  hosted_here: r.local === 1,
  group_uri: r.group_uri,
  title: r.title,
  status: r.status,
  deadline: r.deadline,
  revision: r.revision,
  solver_version: r.solver_version,
  created_at: r.created_at,
  closed_at: r.closed_at,
});

const serializeCommitment = (c: PlanCommitment) => ({
  id: c.id,
  uri: c.uri,
  revision: c.revision,
  provider: c.provider_uri,
  receiver: c.receiver_uri,
  resource: c.spec_uri,
  name: c.name,
  unit: c.unit,
  quantity: Number(c.quantity) / 1000,
  offer: c.offer_uri,
  request: c.request_uri,
  explanation: {
    unit_cost: c.unit_cost,
    destination_price: c.destination_price,
    marginal_cost: c.marginal_cost,
    supply_price: c.supply_price,
  },
  provider_answer: c.provider_answer,
  receiver_answer: c.receiver_answer,
  agreement: c.agreement_uri || null,
});

export function planRoundRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const ctx = () => ({ db: deps.db, origin: deps.config.origin, clock: deps.clock });
  async function json(c: { req: { json(): Promise<unknown> } }): Promise<Record<string, unknown>> {
    const body = await c.req.json().catch(() => null);
    if (!body || typeof body !== "object" || Array.isArray(body))
      throw unprocessable("The body must be a JSON object");
    return body as Record<string, unknown>;
  }

  app.get(PREFIX, async (c) => {
    requireUser(c, "read");
    return c.json((await allRounds(deps.db)).map(serializeRound));
  });

  app.post(PREFIX, async (c) => {
    const me = requireUser(c, "write");
    const { group: name, ...round } = await json(c);
    const group = typeof name === "string" ? await findGroup(deps.db, name) : undefined;
    if (!group) throw notFound();
    const opened = await openRound(ctx(), me, { groupId: group.id, round });
    if (!opened.ok) throw problem(OPEN_PROBLEMS, opened.reason);
    return c.json({ id: opened.value.id, uri: opened.value.uri, status: "open" }, 201);
  });

  app.get(`${PREFIX}/:id`, async (c) => {
    requireUser(c, "read");
    const view = await roundView(deps.db, deps.config.origin, c.req.param("id"), deps.clock.now());
    if (!view) throw notFound();
    return c.json({
      ...serializeRound(view.round),
      weights: view.weights,
      diagnosis: view.diagnosis,
      part: view.part.map(serializeCommitment),
      answer: view.answer && {
        answer: view.answer.answer,
        note: view.answer.note,
        at: view.answer.answered_at,
      },
      can_answer: view.canAnswer,
      hours: await statedHours(ctx(), view.round.id),
      can_state_hours: acceptsHours(view.round),
      plan: view.plan.map(serializeCommitment),
      plan_size: view.planSize,
    });
  });

  app.post(`${PREFIX}/:id/answer`, async (c) => {
    const me = requireUser(c, "write");
    const answered = await answerPart(ctx(), me, {
      roundId: c.req.param("id"),
      answer: await json(c),
    });
    if (!answered.ok) throw problem(ANSWER_PROBLEMS, answered.reason);
    return c.json({ answer: answered.value.answer });
  });

  app.post(`${PREFIX}/:id/hours`, async (c) => {
    const me = requireUser(c, "write");
    const body = (await json(c)) as { hours?: unknown } | null;
    const extra =
      body && typeof body === "object" ? Object.keys(body).filter((k) => k !== "hours") : [];
    if (extra.length > 0) throw problem(HOURS_PROBLEMS, "invalid");
    const stated = await stateHours(ctx(), me, {
      roundId: c.req.param("id"),
      hours: body && typeof body === "object" ? body.hours : undefined,
    });
    if (!stated.ok) throw problem(HOURS_PROBLEMS, stated.reason);
    return c.json({ hours: stated.value.hours });
  });

  return app;
}
