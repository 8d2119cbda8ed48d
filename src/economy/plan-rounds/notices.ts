/**
 * Who is told when a round publishes a part for this node's co-op: the people
 * who speak for the co-op (the node's active admins and moderators), with a
 * notification whose link is the round's page here.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { notify } from "../../social/notifications.ts";
import type { PlanRoundsContext } from "./context.ts";

/** A round's page on this node (hosted here or a copy). */
export const roundPage = (origin: string, roundId: string) => `${origin}/plan-rounds/${roundId}`;

export async function notifyCoopAdmins(
  trx: Kysely<Schema>,
  ctx: PlanRoundsContext,
  roundId: string,
): Promise<void> {
  const staff = await trx
    .selectFrom("accounts")
    .select("id")
    .where("status", "=", "active")
    .where("role", "in", ["admin", "moderator"])
    .orderBy("id")
    .limit(100)
    .execute();
  for (const a of staff)
    await notify(
      trx,
      { accountId: a.id, type: "plan_round", fromUri: roundPage(ctx.origin, roundId) },
      ctx.clock,
    );
}

/** May this member answer for the co-op (its admins and moderators)? */
export async function speaksForCoop(db: Kysely<Schema>, accountId: string): Promise<boolean> {
  const a = await db
    .selectFrom("accounts")
    .select(["role", "status"])
    .where("id", "=", accountId)
    .executeTakeFirst();
  return a?.status === "active" && (a.role === "admin" || a.role === "moderator");
}
