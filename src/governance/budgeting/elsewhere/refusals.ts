/**
 * A host's refusal of what a member here sent from a copy (docs/budgeting.md,
 * "Proposing from another co-op"): the host answers a proposal, an edit or a
 * withdrawal it will not take with a Reject naming the proposal and why. Here,
 * on the member co-op's node, a proposal the host never stored becomes
 * `refused` (the reason kept in its review note, shown in the reader's
 * language); a refused edit or withdrawal changes nothing here (the host's
 * next description of the process says how the proposal stands). Either way
 * the author is notified, the notice linking to the proposal with the reason.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../../db/schema.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import { budgetProjectUri } from "../../../kernel/uris.ts";
import type { SocialContext } from "../../../social/context.ts";
import { notify } from "../../../social/notifications.ts";
import { proposalUri } from "./proposal-uris.ts";

/** What the host refused. */
export const REFUSED_CHANGES = ["proposal", "edit", "withdrawal"] as const;
export type RefusedChange = (typeof REFUSED_CHANGES)[number];
/** Why (the host's reasons an author can act on; anything else reads as "other"). */
export const REFUSAL_REASONS = [
  "not-eligible",
  "wrong-phase",
  "invalid",
  "too-many",
  "other",
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export const asRefusalReason = (s: string): RefusalReason =>
  (REFUSAL_REASONS as readonly string[]).includes(s) ? (s as RefusalReason) : "other";

/** The link a refusal notice carries: the proposal here, with what and why. */
export const refusalLink = (
  origin: string,
  processId: string,
  projectId: string,
  change: RefusedChange,
  reason: RefusalReason,
) => `${budgetProjectUri(origin, processId, projectId)}?refused=${change}.${reason}`;

/** Is this a proposal a member here sent from the copy of a process of that Group? */
export async function sentFromHere(db: Kysely<Schema>, uri: string, groupUri: string) {
  return db
    .selectFrom("pb_projects")
    .innerJoin("pb_processes", "pb_processes.id", "pb_projects.process_id")
    .select([
      "pb_projects.id",
      "pb_projects.process_id",
      "pb_projects.uri",
      "pb_projects.proposal_uri",
      "pb_projects.status",
      "pb_projects.account_id",
    ])
    .where("pb_projects.proposal_uri", "=", uri)
    .where("pb_processes.local", "=", 0)
    .where("pb_processes.group_uri", "=", groupUri)
    .executeTakeFirst();
}

/** The host (the process's Group) refused a proposal, edit or withdrawal sent from here. */
export async function receiveRefusal(
  ctx: SocialContext,
  input: { proposalUri: string; groupUri: string; change: RefusedChange; reason: string },
): Promise<Result<{ id: string }, "not-found">> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await sentFromHere(trx, input.proposalUri, input.groupUri);
    if (!row || row.proposal_uri !== proposalUri(ctx.origin, row.process_id, row.id))
      return fail("not-found" as const);
    const reason = asRefusalReason(input.reason);
    // Never stored by the host (its uri is still ours): it is refused for good.
    if (input.change === "proposal" && row.uri === row.proposal_uri && row.status === "proposed")
      await trx
        .updateTable("pb_projects")
        .set({ status: "refused", review_note: reason, updated_at: ctx.clock.now().toISOString() })
        .where("id", "=", row.id)
        .execute();
    if (row.account_id)
      await notify(
        trx,
        {
          accountId: row.account_id,
          type: "budget_refused",
          fromUri: refusalLink(ctx.origin, row.process_id, row.id, input.change, reason),
        },
        ctx.clock,
      );
    return ok({ id: row.id });
  });
}
