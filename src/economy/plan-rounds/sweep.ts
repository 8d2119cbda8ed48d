/**
 * The worker's plan-round sweep (app.ts, every poll sweep): solve the rounds
 * waiting for the solver, count unanswered parts past their deadline as
 * rejections, and turn closed rounds' commitments into agreements. Each step's
 * state is in the database, so a sweep interrupted anywhere is redone once.
 */

import { makePlannedAgreements } from "./agreements.ts";
import { closeOverdue } from "./answers.ts";
import type { PlanRoundsContext } from "./context.ts";
import { type SolveOptions, solveWaitingRounds } from "./solving.ts";

export async function sweepPlanRounds(ctx: PlanRoundsContext, options: SolveOptions = {}) {
  const overdue = await closeOverdue(ctx);
  const solved = await solveWaitingRounds(ctx, options);
  const agreements = await makePlannedAgreements(ctx);
  return { overdue, solved, agreements };
}
