/**
 * Decisions for apps, under /api/synco/v1/decisions (docs/api.md "Decisions"):
 * list mine or those waiting for my vote, show one (tally and voters as the
 * visibility rules allow: governance/decisions/viewing.ts), start one in a group,
 * vote (a secret ballot answers with its receipt, once), amend, close, record
 * the outcome. Scopes are Mastodon's: reading is read:statuses, writing
 * write:statuses (a decision is a group thread). A members-only group's decision
 * is 404 to anyone else, as an unknown id is.
 */
import { Hono } from "hono";
import { z } from "zod";
import { closeDecision, recordOutcome } from "../../governance/decisions/closing.ts";
import {
  amendDecision,
  createDecision,
  parseNewDecision,
} from "../../governance/decisions/decisions.ts";
import {
  decisionsOfMember,
  decisionsWaitingForMember,
  MAX_LISTED,
} from "../../governance/decisions/listing.ts";
import { decisionShown } from "../../governance/decisions/viewing.ts";
import { castVote } from "../../governance/decisions/votes.ts";
import { findGroup } from "../../groups/groups.ts";
import { canRead } from "../../groups/threads.ts";
import { memberUri } from "../../kernel/uris.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { type ApiContext, type ApiDeps, type ApiEnv, socialContext } from "../deps.ts";
import { ApiError, notFound, unprocessable } from "../errors.ts";
import { readParams } from "../params.ts";
import { serializeDecision, serializeDecisionItem } from "../serializers/decision.ts";

const PREFIX = "/api/synco/v1/decisions";

/** What a vote problem says to an app (422 unless named otherwise). */
const VOTE_PROBLEMS: Record<string, string> = {
  "not-hosted-here": "This decision is hosted on another server: vote there",
  "not-open": "Voting has not opened yet",
  closed: "Voting has closed",
  "not-eligible": "You may not vote in this decision",
  "already-voted": "You have already voted and this decision does not allow changes",
  "receipt-required": "Changing a secret ballot needs its receipt",
  "receipt-unknown": "That receipt matches no ballot of this decision",
};

const listQuery = z.object({
  filter: z.enum(["all", "waiting"]).default("all"),
  limit: z.coerce.number().int().min(1).max(MAX_LISTED).default(20),
  max_id: z.string().max(64).optional(),
});

export function decisionRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const ctx = () => socialContext(deps);

  /** The decision as the viewer may see it; 404 when they may not read it. */
  const shown = async (
    c: ApiContext,
    viewer: { id: string; username: string } | null,
    id?: string,
  ) => {
    const found = await decisionShown(ctx(), viewer, id ?? c.req.param("id") ?? "");
    if (!found) throw notFound();
    return found;
  };
  const answer = async (
    c: ApiContext,
    id: string,
    viewer: { id: string; username: string } | null,
    extra: Record<string, unknown> = {},
    status: 200 | 201 = 200,
  ) =>
    c.json(
      { ...serializeDecision(deps.config.origin, await shown(c, viewer, id)), ...extra },
      status,
    );
  // readParams refuses prototype-named keys and caps a JSON body's depth and size.
  const body = (c: ApiContext) => readParams(c);

  app.get(PREFIX, async (c) => {
    const me = requireUser(c, "read:statuses");
    const q = listQuery.parse(c.req.query());
    const items =
      q.filter === "waiting"
        ? await decisionsWaitingForMember(ctx(), me, q.limit)
        : await decisionsOfMember(deps.db, deps.config.origin, me, {
            limit: q.limit,
            ...(q.max_id ? { before: q.max_id } : {}),
          });
    return c.json(items.map((d) => serializeDecisionItem(deps.config.origin, d)));
  });

  app.get(`${PREFIX}/:id`, async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    return answer(c, c.req.param("id"), viewer);
  });

  app.post(PREFIX, async (c) => {
    const me = requireUser(c, "write:statuses");
    const params = await body(c);
    const groupName = z.string().min(1).max(100).parse(params.group);
    const group = await findGroup(deps.db, groupName);
    if (!group || !(await canRead(deps.db, deps.config.origin, group, me))) throw notFound();
    const { group: _g, ...proposal } = params;
    // The capability parses again; parsing here first gives the app the reason.
    const checked = parseNewDecision(proposal, deps.clock.now());
    if (!checked.ok) throw unprocessable(checked.reason);
    const made = await createDecision(ctx(), me, { group, proposal });
    if (!made.ok) {
      if (made.reason === "invalid") throw unprocessable("the proposal is invalid");
      throw new ApiError(403, "You may not start a decision in this group");
    }
    return answer(c, made.value.id, me, {}, 201);
  });

  app.put(`${PREFIX}/:id`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { view, group } = await shown(c, me);
    const d = view.decision;
    const proposal = await body(c);
    const checked = parseNewDecision(proposal, deps.clock.now());
    if (!checked.ok) throw unprocessable(checked.reason);
    const done = await amendDecision(ctx(), me, { group, decisionId: d.id, proposal });
    if (!done.ok) {
      if (done.reason === "not-found") throw notFound();
      if (done.reason === "forbidden")
        throw new ApiError(403, "Only the proposer or a moderator may amend");
      if (done.reason === "outcome-recorded")
        throw new ApiError(409, "The outcome is recorded: propose anew");
      throw unprocessable("the proposal is invalid");
    }
    return answer(c, d.id, me);
  });

  app.post(`${PREFIX}/:id/votes`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { view } = await shown(c, me);
    const d = view.decision;
    const p = z
      .object({
        choice: z.unknown(),
        receipt: z.string().max(200).optional(),
        counts_for: z.string().url().max(2000).optional(),
      })
      .parse(await body(c));
    const cast = await castVote(
      ctx(),
      { uri: memberUri(deps.config.origin, me.username), accountId: me.id },
      {
        decisionId: d.id,
        choice: p.choice,
        ...(p.receipt ? { receipt: p.receipt } : {}),
        ...(p.counts_for ? { countsFor: p.counts_for } : {}),
      },
    );
    if (!cast.ok) {
      if (cast.reason === "not-found") throw notFound();
      throw unprocessable(VOTE_PROBLEMS[cast.reason] ?? `choice: ${cast.reason}`);
    }
    // The receipt is in this answer only; nothing here keeps it.
    return answer(c, d.id, me, { receipt: cast.value.receipt, changed: cast.value.changed });
  });

  app.post(`${PREFIX}/:id/close`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { view } = await shown(c, me);
    const d = view.decision;
    const done = await closeDecision(ctx(), me, { decisionId: d.id });
    if (!done.ok) {
      if (done.reason === "not-found") throw notFound();
      if (done.reason === "forbidden") throw new ApiError(403, "Only a moderator may close early");
      throw new ApiError(409, "The decision is already closed");
    }
    return answer(c, d.id, me);
  });

  app.post(`${PREFIX}/:id/outcome`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { view } = await shown(c, me);
    const d = view.decision;
    const p = z
      .object({
        outcome: z.string().trim().min(1).max(10_000),
        review_at: z.union([z.iso.date(), z.iso.datetime({ offset: true })]).nullish(),
      })
      .parse(await body(c));
    const done = await recordOutcome(ctx(), me, {
      decisionId: d.id,
      outcome: { outcome: p.outcome, reviewAt: p.review_at ?? null },
    });
    if (!done.ok) {
      if (done.reason === "not-found") throw notFound();
      if (done.reason === "forbidden")
        throw new ApiError(403, "Only the proposer or a moderator may record the outcome");
      if (done.reason === "not-closed") throw new ApiError(409, "Close the decision first");
      if (done.reason === "outcome-recorded")
        throw new ApiError(409, "The outcome is already recorded");
      throw unprocessable("the outcome is invalid");
    }
    return answer(c, d.id, me);
  });

  return app;
}
