/**
 * Participatory budgeting ballots and results for apps, under
 * /api/synco/v1/budgets/:id (docs/budgeting.md "Ballots and results in the
 * app"): read one's ballot of a district with the projects on it, cast or change
 * it (a secret ballot answers with its receipt, once), withdraw it, and read the
 * stored results with every project explained. Scopes are Mastodon's, as for
 * decisions: read:statuses to read, write:statuses to vote. A process of a group
 * the member cannot read is 404, as an unknown id is. Nothing here counts: the
 * worker does, and results are read from pb_results.
 */
import { Hono } from "hono";
import { z } from "zod";
import {
  ballotOf,
  type CastProblem,
  castBallot,
  districtBallot,
  type WithdrawProblem,
  withdrawBallot,
} from "../../governance/budgeting/processes/ballots.ts";
import { canTakePart } from "../../governance/budgeting/processes/eligibility.ts";
import { type Process, processById } from "../../governance/budgeting/processes/reads.ts";
import { resultsOf } from "../../governance/budgeting/processes/results.ts";
import { findGroupById } from "../../groups/groups.ts";
import { canRead } from "../../groups/threads.ts";
import { memberUri } from "../../kernel/uris.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { type ApiContext, type ApiDeps, type ApiEnv, socialContext } from "../deps.ts";
import { ApiError, notFound, unprocessable } from "../errors.ts";
import { readParams } from "../params.ts";

const PREFIX = "/api/synco/v1/budgets";

/** What a ballot problem says to an app, and its status (422 unless named). */
const PROBLEMS: Record<CastProblem | WithdrawProblem, [number, string]> = {
  "not-found": [404, "Record not found"],
  "district-not-found": [404, "Record not found"],
  "not-hosted-here": [409, "This process is hosted on another server: vote there"],
  "not-voting": [409, "Voting is not open in this process"],
  "not-eligible": [403, "You may not vote in this process"],
  "receipt-required": [422, "You have voted: changing a secret ballot needs its receipt"],
  "receipt-unknown": [422, "That receipt matches no ballot of this district"],
  "no-ballot": [422, "You have no ballot here"],
  "choices-invalid": [422, "choices: an object of project id → points"],
  "unknown-project": [422, "choices: a project that is not on this district's ballot"],
  "empty-ballot": [422, "choices: pick at least one project"],
  "too-few-projects": [422, "choices: fewer projects than the minimum"],
  "too-many-projects": [422, "choices: more projects than the maximum"],
  "over-budget": [422, "choices: the picks cost more than the budget"],
  "points-invalid": [422, "choices: points are whole numbers from 0"],
  "too-many-points": [422, "choices: more points than the ballot has"],
};

const problem = (reason: CastProblem | WithdrawProblem) => {
  const [status, message] = PROBLEMS[reason];
  return status === 404 ? notFound() : new ApiError(status as 403 | 409 | 422, message);
};

const castBody = z.strictObject({
  choices: z.record(z.string().max(64), z.unknown()),
  receipt: z.string().max(64).optional(),
});
const withdrawBody = z.strictObject({ receipt: z.string().max(64).optional() });

export function budgetBallotRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const ctx = () => socialContext(deps);

  /** The process, if the member (or visitor) may read its group; else 404. */
  const shown = async (c: ApiContext, viewer: { id: string; username: string } | null) => {
    const p = await processById(deps, c.req.param("id") ?? "");
    if (!p) throw notFound();
    // Our copy of a process hosted elsewhere: only for our members who take part in it.
    if (!p.local) {
      if (!viewer || !(await canTakePart(ctx(), p, memberUri(deps.config.origin, viewer.username))))
        throw notFound();
    } else if (p.group_id) {
      const group = await findGroupById(deps.db, p.group_id);
      if (!group || !(await canRead(deps.db, deps.config.origin, group, viewer))) throw notFound();
    }
    return p;
  };
  const voterOf = (me: { id: string; username: string }) => ({
    uri: memberUri(deps.config.origin, me.username),
    accountId: me.id,
  });
  const rulesJson = (p: Process) => ({
    kind: p.ballot_kind,
    secret: p.secrecy === "secret",
    min_projects: p.min_projects,
    max_projects: p.max_projects,
    spending_cap: p.spending_cap === 1,
    points: p.points,
    currency: p.currency,
  });

  app.get(`${PREFIX}/:id/districts/:did/ballot`, async (c) => {
    const me = requireUser(c, "read:statuses");
    const p = await shown(c, me);
    const ballot = await districtBallot(deps.db, p.id, c.req.param("did"));
    if (!ballot) throw notFound();
    const receipt = c.req.query("receipt");
    const mine = await ballotOf(ctx(), voterOf(me), {
      processId: p.id,
      districtId: ballot.district.id,
      ...(receipt ? { receipt: receipt.slice(0, 64) } : {}),
    });
    return c.json({
      process_id: p.id,
      phase: p.phase,
      district: ballot.district,
      rules: rulesJson(p),
      projects: ballot.projects,
      voted: mine.voted,
      choices: mine.choices,
    });
  });

  app.post(`${PREFIX}/:id/districts/:did/ballot`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const parsed = castBody.safeParse(await readParams(c));
    if (!parsed.success) throw unprocessable("choices: an object of project id → points");
    const p = await shown(c, me);
    const cast = await castBallot(ctx(), voterOf(me), {
      processId: p.id,
      districtId: c.req.param("did"),
      choices: parsed.data.choices,
      ...(parsed.data.receipt ? { receipt: parsed.data.receipt } : {}),
    });
    if (!cast.ok) throw problem(cast.reason);
    return c.json(cast.value, cast.value.changed ? 200 : 201);
  });

  app.delete(`${PREFIX}/:id/districts/:did/ballot`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const parsed = withdrawBody.safeParse(await readParams(c));
    if (!parsed.success) throw unprocessable("receipt: the receipt of a secret ballot");
    const p = await shown(c, me);
    const done = await withdrawBallot(ctx(), voterOf(me), {
      processId: p.id,
      districtId: c.req.param("did"),
      ...(parsed.data.receipt ? { receipt: parsed.data.receipt } : {}),
    });
    if (!done.ok) throw problem(done.reason);
    return c.json(done.value);
  });

  app.get(`${PREFIX}/:id/results`, async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const p = await shown(c, viewer);
    const past = p.phase === "results" || p.phase === "implementation";
    const results = past ? await resultsOf(deps, p.id) : null;
    return c.json({
      process_id: p.id,
      phase: p.phase,
      rule: p.rule,
      currency: p.currency,
      imported: p.imported === 1,
      /** "pending": voting is not over; "counting": the worker has not counted yet. */
      status: !past ? "pending" : results?.districts.length ? "counted" : "counting",
      districts: results?.districts ?? [],
    });
  });

  return app;
}
