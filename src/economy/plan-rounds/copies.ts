/**
 * On a member co-op's node: the copy of a federation's round, with only this
 * co-op's commitments (the Plan document the federation serves it). Kept when
 * the federation Group sends it (Create, then Update per revision and at the
 * close), only from a federation this co-op is an active member of. The
 * co-op's admins are told when a revision brings it a part to answer.
 */
import type { PlanAnswer, PlanRoundStatus } from "../../db/schema/plan-rounds.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { coopUri } from "../../kernel/uris.ts";
import { isoNow, type PlanRoundsContext } from "./context.ts";
import { notifyCoopAdmins } from "./notices.ts";
import type { ShortMinimum, Weights } from "./rules.ts";

export interface ReceivedCommitment {
  uri: string;
  revision: number;
  providerUri: string;
  receiverUri: string;
  specUri: string;
  name: string;
  unit: string;
  quantity: number;
  offerUri: string;
  requestUri: string;
  unitCost: number;
  destinationPrice: number;
  marginalCost: number;
  supplyPrice: number;
  providerAnswer: PlanAnswer | null;
  receiverAnswer: PlanAnswer | null;
}

export interface ReceivedPlan {
  uri: string;
  groupUri: string;
  title: string;
  status: PlanRoundStatus;
  deadline: string;
  revision: number;
  solverVersion: string;
  weights: Weights;
  diagnosis: ShortMinimum[] | null;
  commitments: ReceivedCommitment[];
}

export type CopyProblem = "not-a-member" | "local-round";

export async function receivePlan(
  ctx: PlanRoundsContext,
  plan: ReceivedPlan,
): Promise<Result<{ id: string }, CopyProblem>> {
  const member = await ctx.db
    .selectFrom("coop_affiliations")
    .select("id")
    .where("group_uri", "=", plan.groupUri)
    .where("status", "=", "active")
    .executeTakeFirst();
  if (!member) return fail("not-a-member");
  const ours = coopUri(ctx.origin);
  const at = isoNow(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("plan_rounds")
      .select(["id", "local", "revision"])
      .where("uri", "=", plan.uri)
      .executeTakeFirst();
    if (existing?.local === 1) return fail("local-round" as const);
    const fields = {
      title: plan.title,
      status: plan.status,
      deadline: plan.deadline,
      revision: plan.revision,
      weights: JSON.stringify(plan.weights),
      solver_version: plan.solverVersion,
      diagnosis: plan.diagnosis ? JSON.stringify(plan.diagnosis) : null,
      updated_at: at,
      closed_at: plan.status === "closed" || plan.status === "infeasible" ? at : null,
    };
    const id = existing?.id ?? newId();
    if (existing) await trx.updateTable("plan_rounds").set(fields).where("id", "=", id).execute();
    else
      await trx
        .insertInto("plan_rounds")
        .values({
          id,
          uri: plan.uri,
          local: 0,
          group_id: null,
          group_uri: plan.groupUri,
          weights_decision_id: null,
          claimed_at: null,
          opened_by_uri: plan.groupUri,
          opened_by: null,
          created_at: at,
          ...fields,
        })
        .execute();
    let newPart = false;
    for (const c of plan.commitments) {
      if (c.providerUri !== ours && c.receiverUri !== ours) continue;
      const row = await trx
        .selectFrom("plan_commitments")
        .select(["id", "provider_answer", "receiver_answer"])
        .where("uri", "=", c.uri)
        .where("round_id", "=", id)
        .executeTakeFirst();
      // The host's view wins once it has an answer; ours stands while it is on its way.
      const answers = {
        provider_answer: c.providerAnswer ?? row?.provider_answer ?? null,
        receiver_answer: c.receiverAnswer ?? row?.receiver_answer ?? null,
        updated_at: at,
      };
      if (row) {
        await trx.updateTable("plan_commitments").set(answers).where("id", "=", row.id).execute();
        continue;
      }
      newPart ||= c.revision === plan.revision;
      await trx
        .insertInto("plan_commitments")
        .values({
          id: newId(),
          uri: c.uri,
          round_id: id,
          revision: c.revision,
          provider_uri: c.providerUri,
          receiver_uri: c.receiverUri,
          spec_uri: c.specUri,
          name: c.name,
          unit: c.unit,
          quantity: c.quantity,
          offer_uri: c.offerUri,
          request_uri: c.requestUri,
          unit_cost: c.unitCost,
          destination_price: c.destinationPrice,
          marginal_cost: c.marginalCost,
          supply_price: c.supplyPrice,
          agreement_uri: null,
          created_at: at,
          ...answers,
        })
        .execute();
    }
    if (newPart && plan.status === "accepting") await notifyCoopAdmins(trx, ctx, id);
    return ok({ id });
  });
}
