/**
 * Moderation of proposals (not review: a hidden project is not judged on its
 * merits, it broke the group's rules). Anyone who can see a process reports a
 * project to the group's moderators (a row in `reports` with the group; the
 * group's moderators settle it with group_resolved_at, the co-op's own status
 * is left to the node's moderators); a moderator hides it (off the lists and
 * the ballot, its page says it was hidden) or shows it again, to be reviewed
 * anew. Only before voting: a ballot must not change under the voters.
 */
import { recordEvent } from "../../../db/outbox.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import { newId } from "../../../kernel/ids.ts";
import { MAX_REPORT_COMMENT } from "../../../social/moderation.ts";
import { fileReport } from "../../../social/staff-notices.ts";
import type { BudgetingContext, Voter } from "./context.ts";
import { canRunProcess } from "./eligibility.ts";
import { processById, projectById } from "./reads.ts";
import { moderatedProject, tellAuthor } from "./review.ts";

export type HideProblem = "not-found" | "forbidden" | "wrong-phase";

/** A moderator hides a project (`hidden`: true) or shows it again as an unreviewed proposal. */
export async function setProjectHidden(
  ctx: BudgetingContext,
  actor: Voter,
  input: { projectId: string; hidden: boolean },
): Promise<Result<{ id: string }, HideProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await moderatedProject(trx, ctx, input.projectId, actor);
    if (!found.ok) return found;
    const { project, process } = found.value;
    if (process.phase !== "proposing" && process.phase !== "review")
      return fail("wrong-phase" as const);
    if ((project.status === "hidden") === input.hidden) return ok({ id: project.id });
    if (project.status === "merged" || project.status === "withdrawn")
      return fail("wrong-phase" as const);
    const at = ctx.clock.now().toISOString();
    await trx
      .updateTable("pb_projects")
      .set({
        status: input.hidden ? "hidden" : "proposed",
        reviewed_by_uri: actor.uri,
        reviewed_at: at,
        updated_at: at,
      })
      .where("id", "=", project.id)
      .execute();
    // The reports about it are dealt with.
    await trx
      .updateTable("reports")
      .set({ group_resolved_at: at, group_resolved_by: actor.uri })
      .where("target_uri", "=", project.uri)
      .where("group_resolved_at", "is", null)
      .execute();
    await tellAuthor(trx, ctx, project);
    await recordEvent(trx, {
      type: "budgeting.project.reviewed",
      payload: { processId: process.id, projectId: project.id },
    });
    return ok({ id: project.id });
  });
}

export type ReportProblem = "not-found" | "bad-comment";

/** A member reports a project to the group's moderators. */
export async function reportProject(
  ctx: BudgetingContext,
  actor: Voter,
  input: { projectId: string; comment: string },
): Promise<Result<{ id: string }, ReportProblem>> {
  const comment = input.comment.trim();
  if (!comment || comment.length > MAX_REPORT_COMMENT) return fail("bad-comment");
  const project = await projectById(ctx, input.projectId);
  const process = project ? await processById(ctx, project.process_id) : undefined;
  if (!project || !process?.local || project.status === "hidden") return fail("not-found");
  const id = newId();
  await ctx.db.transaction().execute((trx) =>
    fileReport(
      trx,
      {
        id,
        reporterAccountId: actor.accountId,
        reporterUri: actor.uri,
        targetUri: project.uri,
        comment,
        groupId: process.group_id,
      },
      ctx.clock,
    ),
  );
  return ok({ id });
}

/** Open reports about the projects of a process (for its review page), newest first. */
export function openReportsOf(ctx: BudgetingContext, processUri: string) {
  return ctx.db
    .selectFrom("reports")
    .select(["id", "target_uri", "comment", "reporter_uri", "created_at"])
    .where("target_uri", "like", `${processUri}/projects/%`)
    .where("group_resolved_at", "is", null)
    .orderBy("id", "desc")
    .limit(100)
    .execute();
}

/** A moderator dismisses a report without hiding anything. */
export async function dismissReport(
  ctx: BudgetingContext,
  actor: Voter,
  input: { processId: string; reportId: string },
): Promise<Result<{ id: string }, "not-found" | "forbidden">> {
  const process = await processById(ctx, input.processId);
  if (!process) return fail("not-found");
  if (!(await canRunProcess(ctx.db, ctx.origin, process, actor))) return fail("forbidden");
  const done = await ctx.db
    .updateTable("reports")
    .set({ group_resolved_at: ctx.clock.now().toISOString(), group_resolved_by: actor.uri })
    .where("id", "=", input.reportId)
    .where("target_uri", "like", `${process.uri}/projects/%`)
    .executeTakeFirst();
  return done.numUpdatedRows === 0n ? fail("not-found") : ok({ id: input.reportId });
}
