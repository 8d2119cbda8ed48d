/**
 * Labour hours for a round: a co-op states how many hours it has for the
 * round, and the planner counts its offers' hours per unit against them
 * (docs/economy-engines.md, `coops[].hours`). A statement counts from the next
 * solve (the first, while the round is open; a re-solve after a rejection);
 * the revision's stored input records the hours it was solved with, so a
 * re-run gives the same plan. Stated by the co-op's admins and moderators on
 * the node that hosts the round, for a co-op that is an active member of the
 * round's federation; a co-op that states none is not limited by labour.
 */
import { z } from "zod";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { coopUri } from "../../kernel/uris.ts";
import { isoNow, type PlanMember, type PlanRoundsContext } from "./context.ts";
import { speaksForCoop } from "./notices.ts";
import { findRound } from "./rounds.ts";

/** A year of round-the-clock work for 100 people: beyond that a number is a typo. */
export const MAX_HOURS = 1_000_000;

export const hoursSchema = z.strictObject({
  hours: z.number().finite().min(0).max(MAX_HOURS),
});

export type HoursProblem = "invalid" | "not-found" | "forbidden" | "not-member" | "settled";

/** The round's states in which a statement can still count in a solve. */
const PLANNING = new Set(["open", "accepting", "re-solving"]);

export async function stateHours(
  ctx: PlanRoundsContext,
  member: PlanMember,
  input: { roundId: string; hours: unknown },
): Promise<Result<{ hours: number }, HoursProblem>> {
  const parsed = hoursSchema.safeParse({ hours: input.hours });
  if (!parsed.success) return fail("invalid");
  const round = await findRound(ctx.db, input.roundId);
  if (!round?.local || !round.group_id) return fail("not-found");
  if (!(await speaksForCoop(ctx.db, member.id))) return fail("forbidden");
  if (!PLANNING.has(round.status)) return fail("settled");
  const coop = coopUri(ctx.origin);
  const membership = await ctx.db
    .selectFrom("group_members")
    .select("actor_uri")
    .where("group_id", "=", round.group_id)
    .where("actor_uri", "=", coop)
    .where("actor_kind", "=", "coop")
    .where("status", "=", "active")
    .executeTakeFirst();
  if (!membership) return fail("not-member");
  const row = {
    round_id: round.id,
    coop_uri: coop,
    hours: parsed.data.hours,
    account_id: member.id,
    stated_at: isoNow(ctx),
  };
  await ctx.db
    .insertInto("plan_round_hours")
    .values(row)
    .onConflict((oc) =>
      oc.columns(["round_id", "coop_uri"]).doUpdateSet({
        hours: row.hours,
        account_id: row.account_id,
        stated_at: row.stated_at,
      }),
    )
    .execute();
  return ok({ hours: parsed.data.hours });
}

/** The hours this node's co-op stated for a round, or null. */
export async function statedHours(
  ctx: Pick<PlanRoundsContext, "db" | "origin">,
  roundId: string,
): Promise<number | null> {
  const row = await ctx.db
    .selectFrom("plan_round_hours")
    .select("hours")
    .where("round_id", "=", roundId)
    .where("coop_uri", "=", coopUri(ctx.origin))
    .executeTakeFirst();
  return row ? Number(row.hours) : null;
}

/** Whether this node's co-op may state hours for the round (the page shows the form then). */
export function acceptsHours(round: { local: number; status: string }): boolean {
  return round.local === 1 && PLANNING.has(round.status);
}
