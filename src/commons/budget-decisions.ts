/**
 * A dataset's budget is set by a decision of its owning group: a member of the
 * group proposes a new budget per period, which is a decision like any other
 * (consent by default: it passes unless blocked; the group discusses, votes,
 * amends in its thread). When the decision closes and has passed, the budget
 * changes in the closing transaction (the decisions' closed hook, registered by
 * the node): the dataset's budget and the ledger of the current period (and of
 * any later one already opened). A proposal that did not pass changes nothing.
 * A federation's dataset then tells its member nodes (an Update), whose copies
 * take the new budget for their own ledgers.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import type { DecisionClosedHook } from "../governance/decisions/closing.ts";
import { createDecision } from "../governance/decisions/decisions.ts";
import { findGroupById } from "../groups/groups.ts";
import { standingOf } from "../groups/standing.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { memberUri } from "../kernel/uris.ts";
import type { CommonsContext, CommonsMember } from "./context.ts";
import { epsilonOf, findDataset } from "./datasets.ts";
import { periodOf } from "./fields.ts";

export const budgetProposalSchema = z.strictObject({
  budgetRho: z.number().positive().max(100),
  /** When voting closes (ISO time); a minute to a year away, as any decision. */
  closesAt: z.iso.datetime({ offset: true }),
  /** Why: the proposal's text in the thread. */
  reason: z.string().trim().max(2000).default(""),
});
export type BudgetProposal = z.input<typeof budgetProposalSchema>;

export type ProposeProblem = "not-found" | "forbidden" | "invalid" | "same-budget";

/** A member of the owning group proposes a new budget per period: a decision in the group. */
export async function proposeBudget(
  ctx: CommonsContext & { domain: string },
  member: CommonsMember,
  input: { datasetId: string; proposal: unknown },
): Promise<Result<{ decisionId: string }, ProposeProblem>> {
  const parsed = budgetProposalSchema.safeParse(input.proposal);
  if (!parsed.success) return fail("invalid");
  const p = parsed.data;
  const dataset = await findDataset(ctx.db, input.datasetId);
  if (dataset?.local !== 1 || dataset.status === "hidden") return fail("not-found");
  if (p.budgetRho === dataset.budget_rho) return fail("same-budget");
  const group = dataset.group_id ? await findGroupById(ctx.db, dataset.group_id) : undefined;
  if (!group) return fail("not-found");
  if ((await standingOf(ctx.db, ctx.origin, group, member)).status !== "active")
    return fail("forbidden");
  const rho = (x: number) => Number(x.toPrecision(4));
  const made = await createDecision(ctx, member, {
    group,
    proposal: {
      title: `Budget of “${dataset.title}”: ρ = ${rho(p.budgetRho)} per ${dataset.period}`,
      body: [
        `Set the privacy budget of the dataset “${dataset.title}” from ρ = ${rho(dataset.budget_rho)} (ε = ${rho(epsilonOf(dataset.budget_rho))} at δ = 10⁻⁶) to ρ = ${rho(p.budgetRho)} (ε = ${rho(epsilonOf(p.budgetRho))}) per ${dataset.period}, from the current period on.`,
        p.reason,
      ]
        .filter(Boolean)
        .join("\n\n"),
      rule: "consent",
      closesAt: p.closesAt,
    },
  });
  if (!made.ok) return fail(made.reason === "forbidden" ? "forbidden" : "invalid");
  await ctx.db
    .insertInto("commons_budget_proposals")
    .values({
      decision_id: made.value.id,
      dataset_id: dataset.id,
      budget_rho: p.budgetRho,
      status: "open",
      proposed_by_uri: memberUri(ctx.origin, member.username),
      created_at: ctx.clock.now().toISOString(),
      settled_at: null,
    })
    .execute();
  return ok({ decisionId: made.value.id });
}

/** The closed hook: a passed budget decision sets the budget; any other settles as rejected. */
export const applyBudgetDecision: DecisionClosedHook = async (trx, { decision, tally, at }) => {
  const proposal = await trx
    .selectFrom("commons_budget_proposals")
    .selectAll()
    .where("decision_id", "=", decision.id)
    .where("status", "=", "open")
    .executeTakeFirst();
  if (!proposal) return;
  const dataset = await findDataset(trx, proposal.dataset_id);
  const passed = tally.outcome.passed === true && !!dataset;
  const now = at.toISOString();
  await trx
    .updateTable("commons_budget_proposals")
    .set({ status: passed ? "applied" : "rejected", settled_at: now })
    .where("decision_id", "=", decision.id)
    .execute();
  if (!passed || !dataset) return;
  await trx
    .updateTable("commons_datasets")
    .set({
      budget_rho: proposal.budget_rho,
      default_rho: Math.min(dataset.default_rho, proposal.budget_rho),
      updated_at: now,
    })
    .where("id", "=", dataset.id)
    .execute();
  await trx
    .updateTable("commons_ledger")
    .set({ budget_rho: proposal.budget_rho, updated_at: now })
    .where("dataset_id", "=", dataset.id)
    .where("period", ">=", periodOf(dataset.period, at))
    .execute();
  await recordEvent(trx, {
    type: "commons.dataset.budget-changed",
    payload: { datasetId: dataset.id },
  });
};

/** A dataset's budget proposals, newest first, with their decisions' status. */
export function budgetProposalsOf(db: Kysely<Schema>, datasetId: string) {
  return db
    .selectFrom("commons_budget_proposals as p")
    .innerJoin("decisions as d", "d.id", "p.decision_id")
    .select([
      "p.decision_id",
      "p.budget_rho",
      "p.status",
      "p.created_at",
      "p.settled_at",
      "d.title",
      "d.closes_at",
      "d.post_id",
    ])
    .where("p.dataset_id", "=", datasetId)
    .orderBy("p.decision_id", "desc")
    .limit(50)
    .execute();
}
