/**
 * Opening a plan round and reading rounds. A federation group's moderators
 * open a round with a title and a deadline for the co-ops' answers; the
 * priority weights are the ones the group's last passed decision set
 * (weights.ts), copied into the round so a later decision changes no round
 * already open. The solve happens in the worker (solving.ts), never here.
 */
import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import type { PlanCommitmentsTable, PlanRoundsTable } from "../../db/schema/plan-rounds.ts";
import type { Schema } from "../../db/schema.ts";
import { findGroupById, type Group } from "../../groups/groups.ts";
import { canModerate, standingOf } from "../../groups/standing.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { groupUri, memberUri } from "../../kernel/uris.ts";
import { isoNow, type PlanMember, type PlanRoundsContext, planRoundUri } from "./context.ts";
import { groupWeights } from "./weights.ts";

export type PlanRound = Selectable<PlanRoundsTable>;
export type PlanCommitment = Selectable<PlanCommitmentsTable>;

const DAY = 86_400_000;
/** At most this many rounds waiting or answering per group at once. */
export const MAX_LIVE_ROUNDS = 5;

export const openRoundSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  /** When the co-ops' answers are due (ISO time): an hour to 90 days away. */
  deadline: z.iso.datetime({ offset: true }),
});
export type OpenRoundInput = z.input<typeof openRoundSchema>;

export type OpenProblem =
  | "invalid"
  | "not-found"
  | "not-a-federation"
  | "forbidden"
  | "bad-deadline"
  | "too-many";

/** May this member run the group's rounds? Its active admins and moderators. */
export async function canRunRounds(
  ctx: PlanRoundsContext,
  group: Group,
  member: PlanMember,
): Promise<boolean> {
  const standing = await standingOf(ctx.db, ctx.origin, group, member);
  return standing.status === "active" && canModerate(standing.role);
}

/** A moderator of a federation group hosted here opens a round; the worker solves it. */
export async function openRound(
  ctx: PlanRoundsContext,
  member: PlanMember,
  input: { groupId: string; round: unknown },
): Promise<Result<{ id: string; uri: string }, OpenProblem>> {
  const parsed = openRoundSchema.safeParse(input.round);
  if (!parsed.success) return fail("invalid");
  const group = await findGroupById(ctx.db, input.groupId);
  if (!group) return fail("not-found");
  if (group.kind !== "federation") return fail("not-a-federation");
  if (!(await canRunRounds(ctx, group, member))) return fail("forbidden");
  const now = ctx.clock.now().getTime();
  const deadline = Date.parse(parsed.data.deadline);
  if (deadline < now + DAY / 24 || deadline > now + 90 * DAY) return fail("bad-deadline");
  const at = isoNow(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const live = await trx
      .selectFrom("plan_rounds")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("group_id", "=", group.id)
      .where("status", "in", ["open", "accepting", "re-solving"])
      .executeTakeFirstOrThrow();
    if (Number(live.n) >= MAX_LIVE_ROUNDS) return fail("too-many" as const);
    const weights = await groupWeights(trx, group.id);
    const id = newId();
    const uri = planRoundUri(ctx.origin, id);
    await trx
      .insertInto("plan_rounds")
      .values({
        id,
        uri,
        local: 1,
        group_id: group.id,
        group_uri: groupUri(ctx.origin, group.name),
        title: parsed.data.title,
        status: "open",
        deadline: new Date(deadline).toISOString(),
        revision: 0,
        weights: JSON.stringify(weights.weights),
        weights_decision_id: weights.decisionId,
        solver_version: "",
        diagnosis: null,
        claimed_at: null,
        opened_by_uri: memberUri(ctx.origin, member.username),
        opened_by: member.id,
        created_at: at,
        updated_at: at,
        closed_at: null,
      })
      .execute();
    return ok({ id, uri });
  });
}

export function findRound(db: Kysely<Schema>, id: string): Promise<PlanRound | undefined> {
  return db.selectFrom("plan_rounds").selectAll().where("id", "=", id).executeTakeFirst();
}

export function roundByUri(db: Kysely<Schema>, uri: string): Promise<PlanRound | undefined> {
  return db.selectFrom("plan_rounds").selectAll().where("uri", "=", uri).executeTakeFirst();
}

/** Rounds of a group hosted here, or copies of a federation's rounds, newest first. */
export function roundsOf(db: Kysely<Schema>, groupUriValue: string, limit = 50) {
  return db
    .selectFrom("plan_rounds")
    .selectAll()
    .where("group_uri", "=", groupUriValue)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** Every round on this node (hosted and copies), newest first. */
export function allRounds(db: Kysely<Schema>, limit = 50) {
  return db
    .selectFrom("plan_rounds")
    .selectAll()
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/**
 * A round's commitments (every published revision: one being written is not
 * yet the round's), optionally only one co-op's part, in a fixed order.
 */
export function commitmentsOfRound(
  db: Kysely<Schema>,
  round: Pick<PlanRound, "id" | "revision">,
  coop?: string,
  limit = 10_000,
): Promise<PlanCommitment[]> {
  let q = db
    .selectFrom("plan_commitments")
    .selectAll()
    .where("round_id", "=", round.id)
    .where("revision", "<=", round.revision);
  if (coop)
    q = q.where((eb) => eb.or([eb("provider_uri", "=", coop), eb("receiver_uri", "=", coop)]));
  return q.orderBy("revision").orderBy("provider_uri").orderBy("uri").limit(limit).execute();
}

/** The commitments both sides accepted (every revision): the round's plan once closed. */
export const isAgreed = (c: Pick<PlanCommitment, "provider_answer" | "receiver_answer">) =>
  c.provider_answer === "accepted" && c.receiver_answer === "accepted";
