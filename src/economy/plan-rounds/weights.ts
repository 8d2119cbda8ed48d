/**
 * A federation group's priority weights (category → weight) are set by a
 * decision of the group, as a commons budget is (commons/budget-decisions.ts):
 * a member proposes new weights, which is a consent decision like any other;
 * when it closes having passed, the decisions' closed hook (registered by the
 * node) makes them the group's weights in the closing transaction. Rounds
 * opened afterwards use them; rounds already open keep theirs.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Schema } from "../../db/schema.ts";
import type { DecisionClosedHook } from "../../governance/decisions/closing.ts";
import { createDecision } from "../../governance/decisions/decisions.ts";
import { findGroupById } from "../../groups/groups.ts";
import { standingOf } from "../../groups/standing.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import type { SocialContext } from "../../social/context.ts";
import type { PlanMember } from "./context.ts";
import { type Weights, weightsSchema } from "./rules.ts";

export const weightsProposalSchema = z.strictObject({
  weights: weightsSchema,
  /** When voting closes (ISO time), as any decision. */
  closesAt: z.iso.datetime({ offset: true }),
  reason: z.string().trim().max(2000).default(""),
});

/** The group's weights and the decision that set them ({} and null before any). */
export async function groupWeights(
  db: Kysely<Schema>,
  groupId: string,
): Promise<{ weights: Weights; decisionId: string | null }> {
  const row = await db
    .selectFrom("plan_group_weights")
    .select(["weights", "decision_id"])
    .where("group_id", "=", groupId)
    .executeTakeFirst();
  if (!row) return { weights: {}, decisionId: null };
  return { weights: JSON.parse(row.weights) as Weights, decisionId: row.decision_id };
}

export type WeightsProblem = "invalid" | "not-found" | "forbidden";

/** An active member of a federation group proposes new weights: a consent decision in the group. */
export async function proposeWeights(
  ctx: SocialContext,
  member: PlanMember,
  input: { groupId: string; proposal: unknown },
): Promise<Result<{ decisionId: string }, WeightsProblem>> {
  const parsed = weightsProposalSchema.safeParse(input.proposal);
  if (!parsed.success) return fail("invalid");
  const group = await findGroupById(ctx.db, input.groupId);
  if (group?.kind !== "federation") return fail("not-found");
  if ((await standingOf(ctx.db, ctx.origin, group, member)).status !== "active")
    return fail("forbidden");
  const list = Object.entries(parsed.data.weights)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([category, w]) => `${category}: ${w}`);
  const made = await createDecision(ctx, member, {
    group,
    proposal: {
      title: `Plan rounds' priority weights: ${list.join(", ") || "all equal"}`,
      body: [
        `Set the priority weight of each category of needs in this federation's plan rounds (a need's shortfall costs its weight; categories not named weigh 1): ${list.join("; ") || "none"}.`,
        parsed.data.reason,
      ]
        .filter(Boolean)
        .join("\n\n"),
      rule: "consent",
      closesAt: parsed.data.closesAt,
    },
  });
  if (!made.ok) return fail(made.reason === "forbidden" ? "forbidden" : "invalid");
  await ctx.db
    .insertInto("plan_weight_proposals")
    .values({
      decision_id: made.value.id,
      group_id: group.id,
      weights: JSON.stringify(parsed.data.weights),
      status: "open",
      proposed_by: member.id,
      created_at: ctx.clock.now().toISOString(),
      settled_at: null,
    })
    .execute();
  return ok({ decisionId: made.value.id });
}

/** The closed hook: passed weights become the group's; any other settles as rejected. */
export const applyWeightsDecision: DecisionClosedHook = async (trx, { decision, tally, at }) => {
  const proposal = await trx
    .selectFrom("plan_weight_proposals")
    .selectAll()
    .where("decision_id", "=", decision.id)
    .where("status", "=", "open")
    .executeTakeFirst();
  if (!proposal) return;
  const passed = tally.outcome.passed === true;
  const now = at.toISOString();
  await trx
    .updateTable("plan_weight_proposals")
    .set({ status: passed ? "applied" : "rejected", settled_at: now })
    .where("decision_id", "=", decision.id)
    .execute();
  if (!passed) return;
  const values = {
    weights: proposal.weights,
    decision_id: decision.id,
    updated_at: now,
  };
  await trx
    .insertInto("plan_group_weights")
    .values({ group_id: proposal.group_id, ...values })
    .onConflict((oc) => oc.column("group_id").doUpdateSet(values))
    .execute();
};
