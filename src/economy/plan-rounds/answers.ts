/**
 * Each co-op accepts or rejects its part of the current revision before the
 * deadline: its side of every commitment it provides or receives. It may
 * reject some commitments and accept the rest. On the co-op's own node the
 * answer is kept and, for a round hosted elsewhere, travels to the federation
 * (outbox event); on the host it is applied to the round's commitments
 * (receiveAnswer). When every side of the revision has answered, the round
 * closes, or goes back to the worker to be re-solved with the accepted
 * commitments fixed (rules.ts afterAnswers). Past the deadline, sides that
 * did not answer count as rejections (closeOverdue).
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import { recordEvent } from "../../db/outbox.ts";
import type { PlanAnswer } from "../../db/schema/plan-rounds.ts";
import type { Schema } from "../../db/schema.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { coopUri } from "../../kernel/uris.ts";
import { forUpdate } from "../market/locking.ts";
import { isoNow, type PlanMember, type PlanRoundsContext } from "./context.ts";
import { speaksForCoop } from "./notices.ts";
import type { PlanRound } from "./rounds.ts";
import { afterAnswers } from "./rules.ts";

export const answerSchema = z.strictObject({
  answer: z.enum(["accept", "reject"]),
  /** With "reject": the commitments rejected (ids); none named rejects the whole part. */
  rejected: z.array(z.string().min(1).max(64)).max(10_000).default([]),
  note: z.string().trim().max(2000).default(""),
});
export type AnswerInput = z.input<typeof answerSchema>;

export type AnswerProblem =
  | "invalid"
  | "not-found"
  | "forbidden"
  | "not-accepting"
  | "past-deadline"
  | "no-part"
  | "already-answered"
  | "unknown-commitment"
  | "stale-revision";

/** The round, locked on PostgreSQL: answers and the deadline sweep take turns. */
const lockRound = (trx: Kysely<Schema>, id: string) =>
  trx
    .selectFrom("plan_rounds")
    .selectAll()
    .where("id", "=", id)
    .$call(forUpdate(trx))
    .executeTakeFirst();

/** A member who speaks for this node's co-op answers its part of a round (here or a copy). */
export async function answerPart(
  ctx: PlanRoundsContext,
  member: PlanMember,
  input: { roundId: string; answer: unknown },
): Promise<Result<{ answer: PlanAnswer }, AnswerProblem>> {
  const parsed = answerSchema.safeParse(input.answer);
  if (!parsed.success) return fail("invalid");
  if (!(await speaksForCoop(ctx.db, member.id))) return fail("forbidden");
  const coop = coopUri(ctx.origin);
  return ctx.db.transaction().execute(async (trx) => {
    const round = await lockRound(trx, input.roundId);
    if (!round) return fail("not-found" as const);
    const applied = await applyAnswer(trx, ctx, round, coop, {
      rejected: parsed.data.answer === "accept" ? [] : parsed.data.rejected,
      rejectAll: parsed.data.answer === "reject" && parsed.data.rejected.length === 0,
      note: parsed.data.note,
      accountId: member.id,
      by: "id",
    });
    if (!applied.ok) return applied;
    if (round.local) await settleRevision(trx, ctx, round);
    else
      await recordEvent(trx, {
        type: "plan-rounds.part.answered",
        payload: { roundId: round.id, revision: round.revision },
      });
    return applied;
  });
}

/** What a co-op's Accept and Reject of commitments say (federation/plan-rounds/parse.ts). */
export interface ReceivedAnswer {
  roundUri: string;
  /** The revision answered: an answer to an earlier one is stale. */
  revision: number;
  coopUri: string;
  /** The commitments' URIs it rejects; the rest of its part it accepts. */
  rejected: string[];
  note: string;
}

/** The host hears a member co-op's answer (signed by that co-op: the inbox checked). */
export async function receiveAnswer(
  ctx: PlanRoundsContext,
  answer: ReceivedAnswer,
): Promise<Result<{ answer: PlanAnswer }, AnswerProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom("plan_rounds")
      .select("id")
      .where("uri", "=", answer.roundUri)
      .where("local", "=", 1)
      .executeTakeFirst();
    const round = found && (await lockRound(trx, found.id));
    if (!round) return fail("not-found" as const);
    if (round.status === "accepting" && round.revision !== answer.revision)
      return fail("stale-revision" as const);
    const applied = await applyAnswer(trx, ctx, round, answer.coopUri, {
      rejected: answer.rejected,
      rejectAll: false,
      note: answer.note,
      accountId: null,
      by: "uri",
    });
    if (applied.ok) await settleRevision(trx, ctx, round);
    return applied;
  });
}

async function applyAnswer(
  trx: Kysely<Schema>,
  ctx: PlanRoundsContext,
  round: PlanRound,
  coop: string,
  a: {
    rejected: string[];
    rejectAll: boolean;
    note: string;
    accountId: string | null;
    by: "id" | "uri";
  },
): Promise<Result<{ answer: PlanAnswer }, AnswerProblem>> {
  if (round.status !== "accepting") return fail("not-accepting");
  if (Date.parse(round.deadline) < ctx.clock.now().getTime()) return fail("past-deadline");
  const part = await trx
    .selectFrom("plan_commitments")
    .select(["id", "uri", "provider_uri", "receiver_uri"])
    .where("round_id", "=", round.id)
    .where("revision", "=", round.revision)
    .where((eb) => eb.or([eb("provider_uri", "=", coop), eb("receiver_uri", "=", coop)]))
    .execute();
  if (part.length === 0) return fail("no-part");
  const answered = await trx
    .selectFrom("plan_part_answers")
    .select("id")
    .where("round_id", "=", round.id)
    .where("revision", "=", round.revision)
    .where("coop_uri", "=", coop)
    .executeTakeFirst();
  if (answered) return fail("already-answered");
  const named = new Set(a.rejected);
  const mine = new Set(part.map((c) => (a.by === "id" ? c.id : c.uri)));
  if ([...named].some((x) => !mine.has(x))) return fail("unknown-commitment");
  const at = isoNow(ctx);
  for (const side of ["provider", "receiver"] as const) {
    const column = side === "provider" ? "provider_uri" : "receiver_uri";
    const ids = part.filter((c) => c[column] === coop);
    const rejectedIds = ids
      .filter((c) => a.rejectAll || named.has(a.by === "id" ? c.id : c.uri))
      .map((c) => c.id);
    const acceptedIds = ids.map((c) => c.id).filter((id) => !rejectedIds.includes(id));
    const set = (answer: PlanAnswer, list: string[]) =>
      list.length === 0
        ? Promise.resolve()
        : trx
            .updateTable("plan_commitments")
            .set(
              side === "provider"
                ? { provider_answer: answer, updated_at: at }
                : { receiver_answer: answer, updated_at: at },
            )
            .where("id", "in", list)
            .execute();
    await set("accepted", acceptedIds);
    await set("rejected", rejectedIds);
  }
  const answer: PlanAnswer = a.rejectAll || named.size > 0 ? "rejected" : "accepted";
  await trx
    .insertInto("plan_part_answers")
    .values({
      id: newId(),
      round_id: round.id,
      revision: round.revision,
      coop_uri: coop,
      answer,
      note: a.note,
      account_id: a.accountId,
      answered_at: at,
    })
    .execute();
  return ok({ answer });
}

/** On the host: once every side of the revision answered, the round closes or is re-solved. */
async function settleRevision(trx: Kysely<Schema>, ctx: PlanRoundsContext, round: PlanRound) {
  const sides = await trx
    .selectFrom("plan_commitments")
    .select(["provider_answer as provider", "receiver_answer as receiver"])
    .where("round_id", "=", round.id)
    .where("revision", "=", round.revision)
    .execute();
  const next = afterAnswers(sides, round.revision);
  if (next === "waiting") return;
  const at = isoNow(ctx);
  await trx
    .updateTable("plan_rounds")
    .set({ status: next, updated_at: at, closed_at: next === "closed" ? at : null })
    .where("id", "=", round.id)
    .execute();
  if (next === "closed")
    await recordEvent(trx, {
      type: "plan-rounds.round.closed",
      payload: { roundId: round.id, revision: round.revision },
    });
}

/** The worker: rounds past their deadline count every unanswered side as a rejection. */
export async function closeOverdue(ctx: PlanRoundsContext): Promise<number> {
  const now = isoNow(ctx);
  const due = await ctx.db
    .selectFrom("plan_rounds")
    .select("id")
    .where("local", "=", 1)
    .where("status", "=", "accepting")
    .where("deadline", "<", now)
    .limit(50)
    .execute();
  for (const { id } of due)
    await ctx.db.transaction().execute(async (trx) => {
      const round = await lockRound(trx, id);
      if (round?.status !== "accepting") return;
      for (const column of ["provider_answer", "receiver_answer"] as const)
        await trx
          .updateTable("plan_commitments")
          .set({ [column]: "rejected", updated_at: now })
          .where("round_id", "=", round.id)
          .where("revision", "=", round.revision)
          .where(column, "is", null)
          .execute();
      await settleRevision(trx, ctx, round);
    });
  return due.length;
}
