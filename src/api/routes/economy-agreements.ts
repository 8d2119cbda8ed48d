/**
 * Agreements for apps, under /api/synco/v1/economy/agreements (docs/economy.md
 * "Agreements"): list the member's, show one (commitments, events, messages),
 * respond to a proposal (offer), accept, reject, withdraw, record an economic
 * event, write in the thread. Reading is read:statuses, writing write:statuses.
 * `as` names the agent the member acts for (the co-op, with a role; themselves
 * by default). An agreement the member is no party to is 404, as an unknown id.
 * Quantities are decimals of the unit as strings ("2.5"); money is minor units.
 */
import { Hono } from "hono";
import { z } from "zod";
import {
  acceptAgreement,
  cancelAgreement,
  rejectAgreement,
} from "../../economy/agreements/answers.ts";
import { type Acting, agentsOf } from "../../economy/agreements/context.ts";
import { recordEconomicEvent } from "../../economy/agreements/fulfilment.ts";
import { postMessage } from "../../economy/agreements/messages.ts";
import { offerAgreement } from "../../economy/agreements/offers.ts";
import {
  type AgreementView,
  agreementsOf,
  agreementView,
  canSee,
} from "../../economy/agreements/reads.ts";
import { formatQuantity, parseQuantity } from "../../economy/agreements/rules.ts";
import { memberUri } from "../../kernel/uris.ts";
import { requireUser } from "../auth.ts";
import type { ApiContext, ApiDeps, ApiEnv } from "../deps.ts";
import { ApiError, notFound } from "../errors.ts";
import { readParams } from "../params.ts";

const PREFIX = "/api/synco/v1/economy/agreements";

const STATUS: Record<string, number> = {
  "not-allowed": 403,
  "proposal-not-found": 404,
  "agreement-not-found": 404,
  "commitment-not-found": 404,
  "already-answered": 409,
  "proposal-closed": 409,
  "not-accepted": 409,
  closed: 409,
};
const refuse = (reason: string): never => {
  throw new ApiError((STATUS[reason] ?? 422) as 422, reason);
};

const quantity = z.union([z.string().max(20), z.number()]).transform((v, zctx) => {
  const q = parseQuantity(String(v));
  if (q === null) {
    zctx.addIssue({ code: "custom", message: "quantity: a decimal with at most three places" });
    return z.NEVER;
  }
  return q;
});

function serialize(v: AgreementView) {
  const a = v.agreement;
  return {
    id: a.id,
    uri: a.uri,
    status: a.status,
    proposal: {
      id: a.proposal_id,
      uri: a.proposal_uri,
      name: a.proposal_name,
      unit: a.proposal_unit,
    },
    proposer: a.proposer_uri,
    responder: a.responder_uri,
    quantity: formatQuantity(a.quantity),
    reciprocity: a.reciprocity,
    total_price: a.total_price,
    currency: a.currency,
    note: a.note,
    answer_note: a.answer_note,
    created_at: a.created_at,
    accepted_at: a.accepted_at,
    fulfilled_at: a.fulfilled_at,
    commitments: v.commitments.map((c) => ({
      id: c.id,
      uri: c.uri,
      reciprocal: c.reciprocal === 1,
      action: c.action,
      provider: c.provider_uri,
      receiver: c.receiver_uri,
      resource_conforms_to: c.spec_uri,
      unit: c.unit,
      quantity: c.reciprocal ? c.quantity : formatQuantity(c.quantity),
      fulfilled: c.reciprocal ? c.fulfilled : formatQuantity(c.fulfilled),
    })),
    events: v.events.map((e) => ({
      id: e.id,
      uri: e.uri,
      commitment_id: e.commitment_id,
      action: e.action,
      quantity: e.quantity,
      note: e.note,
      recorded_by: e.recorded_by_uri,
      occurred_at: e.occurred_at,
    })),
    messages: v.messages.map((m) => ({
      id: m.id,
      author: m.author_uri,
      body: m.hidden ? null : m.body,
      hidden: m.hidden === 1,
      created_at: m.created_at,
    })),
  };
}

export function economyAgreementRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const origin = deps.config.origin;
  const ctx = { db: deps.db, origin, clock: deps.clock };

  const member = async (c: ApiContext, scope: string) => {
    const me = requireUser(c, scope);
    const row = await deps.db
      .selectFrom("accounts")
      .select("role")
      .where("id", "=", me.id)
      .executeTakeFirstOrThrow();
    return { ...me, role: row.role };
  };
  const acting = async (c: ApiContext, as: unknown): Promise<Acting> => {
    const me = await member(c, "write:statuses");
    const agents = agentsOf(origin, me);
    const agentUri = typeof as === "string" && as ? as : memberUri(origin, me.username);
    if (!agents.includes(agentUri)) refuse("not-allowed");
    return { accountId: me.id, username: me.username, role: me.role, agentUri };
  };
  const show = async (c: ApiContext, id: string, status: 200 | 201 = 200) => {
    const me = await member(c, "read:statuses");
    const view = await agreementView(ctx, id);
    if (!view || !canSee(view.agreement, { agents: agentsOf(origin, me), role: me.role }))
      throw notFound();
    return c.json(serialize(view), status);
  };

  app.get(PREFIX, async (c) => {
    const me = await member(c, "read:statuses");
    const status = c.req.query("status");
    const rows = await agreementsOf(ctx, agentsOf(origin, me), {
      status: status && /^[a-z]{1,20}$/.test(status) ? status : undefined,
      limit: Number(c.req.query("limit") ?? 50) || 50,
    });
    const views = await Promise.all(rows.map((r) => agreementView(ctx, r.id)));
    return c.json(views.filter((v): v is AgreementView => !!v).map(serialize));
  });

  app.get(`${PREFIX}/:id`, (c) => show(c, c.req.param("id")));

  app.post(PREFIX, async (c) => {
    const params = z
      .object({
        proposal_id: z.string().max(64),
        quantity,
        note: z.string().max(2000).default(""),
        as: z.string().max(2048).optional(),
      })
      .safeParse(await readParams(c));
    if (!params.success) throw new ApiError(422, params.error.issues[0]?.message ?? "invalid");
    const r = await offerAgreement(ctx, await acting(c, params.data.as), {
      proposalId: params.data.proposal_id,
      quantity: params.data.quantity,
      note: params.data.note,
    });
    if (!r.ok) return refuse(r.reason);
    return show(c, r.value.id, 201);
  });

  const answer = (verb: "accept" | "reject" | "cancel") =>
    app.post(`${PREFIX}/:id/${verb}`, async (c) => {
      const params = await readParams(c);
      const id = c.req.param("id");
      const view = await agreementView(ctx, id);
      if (!view) throw notFound();
      const fallback =
        verb === "cancel" ? view.agreement.responder_uri : view.agreement.proposer_uri;
      const who = await acting(c, params.as ?? fallback);
      const reason = typeof params.reason === "string" ? params.reason : "";
      const r =
        verb === "accept"
          ? await acceptAgreement(ctx, who, id)
          : verb === "reject"
            ? await rejectAgreement(ctx, who, id, reason)
            : await cancelAgreement(ctx, who, id);
      if (!r.ok) return refuse(r.reason);
      return show(c, id);
    });
  answer("accept");
  answer("reject");
  answer("cancel");

  app.post(`${PREFIX}/:id/events`, async (c) => {
    const params = z
      .object({
        commitment_id: z.string().max(64),
        quantity,
        note: z.string().max(2000).default(""),
        as: z.string().max(2048).optional(),
      })
      .safeParse(await readParams(c));
    if (!params.success) throw new ApiError(422, params.error.issues[0]?.message ?? "invalid");
    const id = c.req.param("id");
    const r = await recordEconomicEvent(ctx, await acting(c, params.data.as), {
      agreementId: id,
      commitmentId: params.data.commitment_id,
      quantity: params.data.quantity,
      note: params.data.note,
    });
    if (!r.ok) return refuse(r.reason);
    return show(c, id, 201);
  });

  app.post(`${PREFIX}/:id/messages`, async (c) => {
    const params = z
      .object({ body: z.string().max(5000), as: z.string().max(2048).optional() })
      .safeParse(await readParams(c));
    if (!params.success) throw new ApiError(422, params.error.issues[0]?.message ?? "invalid");
    const id = c.req.param("id");
    const r = await postMessage(ctx, await acting(c, params.data.as), {
      agreementId: id,
      body: params.data.body,
    });
    if (!r.ok) return refuse(r.reason);
    return show(c, id, 201);
  });

  return app;
}
