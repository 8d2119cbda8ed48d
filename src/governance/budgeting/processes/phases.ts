/**
 * Moving a process through its phases: by hand (a moderator of the group) or
 * by date (the worker's sweep, from app.ts's interval as decisions' sweep).
 * Each move is claimed by a conditional update on the phase it leaves, so two
 * workers (or a moderator and the sweep) never move a process twice; in the
 * same transaction everyone taking part here is notified and the event is
 * recorded (federation/budgeting announces it to member nodes).
 *
 * Results → implementation waits for the count (pbvote's counting.ts writes
 * pb_results in the worker): implementation reports on funded projects, which
 * are known only then.
 */
import { getLogger } from "@logtape/logtape";
import type { Kysely } from "kysely";
import { recordEvent } from "../../../db/outbox.ts";
import type { PbPhase } from "../../../db/schema/budgeting.ts";
import type { Schema } from "../../../db/schema.ts";
import { findGroupById } from "../../../groups/groups.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import { notify } from "../../../social/notifications.ts";
import { localAccountsOf } from "../../decisions/eligibility.ts";
import type { BudgetingContext, Voter } from "./context.ts";
import { canRun, everyoneIn } from "./eligibility.ts";
import { duePhase, nextPhase } from "./phase-rules.ts";
import { lockProcess, type Process } from "./reads.ts";

const logger = getLogger(["synco", "budgeting", "phases"]);

export type AdvanceProblem = "not-found" | "forbidden" | "wrong-phase" | "not-counted";

/** A moderator moves the process to `to`, which must be the phase after the current one. */
export async function advancePhase(
  ctx: BudgetingContext,
  actor: Voter,
  processId: string,
  to: PbPhase,
): Promise<Result<{ phase: PbPhase }, AdvanceProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const process = await lockProcess(trx, processId);
    if (!process?.local || !process.group_id) return fail("not-found" as const);
    const group = await findGroupById(trx, process.group_id);
    if (!group) return fail("not-found" as const);
    if (!(await canRun(trx, ctx.origin, group, actor))) return fail("forbidden" as const);
    if (nextPhase(process.phase) !== to) return fail("wrong-phase" as const);
    const moved = await moveWithin(trx, ctx, process, to);
    return moved.ok ? ok({ phase: to }) : moved;
  });
}

/** Changes the phase inside the caller's transaction (the process row locked), tells everyone. */
async function moveWithin(
  trx: Kysely<Schema>,
  ctx: BudgetingContext,
  process: Process,
  to: PbPhase,
): Promise<Result<true, "wrong-phase" | "not-counted">> {
  if (to === "implementation" && !(await counted(trx, process.id)))
    return fail("not-counted" as const);
  const at = ctx.clock.now().toISOString();
  const claimed = await trx
    .updateTable("pb_processes")
    .set({ phase: to, phase_changed_at: at, updated_at: at })
    .where("id", "=", process.id)
    .where("phase", "=", process.phase)
    .executeTakeFirst();
  if (claimed.numUpdatedRows === 0n) return fail("wrong-phase" as const);
  await notifyTakingPart(trx, ctx, process);
  await recordEvent(trx, {
    type: "budgeting.process.phase-changed",
    payload: { processId: process.id, phase: to },
  });
  return ok(true);
}

/** Has every district its stored results? */
async function counted(trx: Kysely<Schema>, processId: string): Promise<boolean> {
  const [districts, results] = await Promise.all([
    trx
      .selectFrom("pb_districts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("process_id", "=", processId)
      .executeTakeFirstOrThrow(),
    trx
      .selectFrom("pb_results")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("process_id", "=", processId)
      .executeTakeFirstOrThrow(),
  ]);
  return Number(results.n) >= Number(districts.n) && Number(districts.n) > 0;
}

/** One notification per member of this node taking part; it links to the process. */
async function notifyTakingPart(trx: Kysely<Schema>, ctx: BudgetingContext, process: Process) {
  const group = process.group_id ? await findGroupById(trx, process.group_id) : undefined;
  if (!group) return;
  const accounts = await localAccountsOf(
    trx,
    ctx.origin,
    await everyoneIn({ db: trx, origin: ctx.origin }, group, process.eligibility),
  );
  for (const a of accounts)
    await notify(trx, { accountId: a.id, type: "budget_phase", fromUri: process.uri }, ctx.clock);
}

/** Processes moved per sweep at most (the next sweep takes the rest). */
const BATCH = 20;

/** The worker's sweep: every local process whose phase has ended by date moves on, once. */
export async function sweepPhases(ctx: BudgetingContext): Promise<{ advanced: number }> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const candidates = await ctx.db
    .selectFrom("pb_processes")
    .select("id")
    .where("local", "=", 1)
    .where((eb) =>
      eb.or([
        eb.and([eb("phase", "=", "proposing"), eb("proposing_ends_at", "<=", nowIso)]),
        eb.and([eb("phase", "=", "review"), eb("review_ends_at", "<=", nowIso)]),
        eb.and([eb("phase", "=", "voting"), eb("voting_ends_at", "<=", nowIso)]),
      ]),
    )
    .orderBy("id")
    .limit(BATCH)
    .execute();
  let advanced = 0;
  for (const { id } of candidates) {
    try {
      const moved = await ctx.db.transaction().execute(async (trx) => {
        const process = await lockProcess(trx, id);
        // A moderator moved it meanwhile, or changed the date.
        const to = process ? duePhase(process, ctx.clock.now()) : null;
        if (!process || !to) return false;
        return (await moveWithin(trx, ctx, process, to)).ok;
      });
      if (moved) advanced++;
    } catch (error) {
      logger.error("Moving budgeting process {id} failed: {error}", { id, error });
    }
  }
  return { advanced };
}
