/**
 * Review (issue 19, as Decidim's proposal evaluation): before voting, the
 * group's moderators mark each proposal feasible (it goes on the ballot) or
 * not, with a public note saying why; they may adjust its cost, title or text
 * (the note should say what changed) and merge proposals that ask for the same
 * thing into one. Authors here are notified each time. A project may be
 * reviewed again until voting opens.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import { recordEvent } from "../../../db/outbox.ts";
import type { Schema } from "../../../db/schema.ts";
import { findGroupById } from "../../../groups/groups.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import { notify } from "../../../social/notifications.ts";
import type { BudgetingContext, Voter } from "./context.ts";
import { canRun } from "./eligibility.ts";
import { lockProcess, type Process, type Project } from "./reads.ts";

export const reviewSchema = z.strictObject({
  verdict: z.enum(["feasible", "infeasible"]),
  /** Public: why, and what was adjusted. Required to refuse a proposal. */
  note: z.string().trim().max(5000).default(""),
  title: z.string().trim().min(1).max(200).optional(),
  description: z.string().trim().min(1).max(10_000).optional(),
  cost: z.number().int().min(1).max(1_000_000_000_000).optional(),
});

export type ReviewInput = z.input<typeof reviewSchema>;
export type ReviewProblem = "invalid" | "not-found" | "forbidden" | "wrong-phase";

const REVIEWABLE: readonly Project["status"][] = ["proposed", "feasible", "infeasible"];
const beforeVoting = (p: Process) => p.phase === "proposing" || p.phase === "review";

/** A moderator reviews one project. */
export async function reviewProject(
  ctx: BudgetingContext,
  actor: Voter,
  input: { projectId: string; review: unknown },
): Promise<Result<{ id: string }, ReviewProblem>> {
  const parsed = reviewSchema.safeParse(input.review);
  if (!parsed.success) return fail("invalid");
  const r = parsed.data;
  if (r.verdict === "infeasible" && !r.note) return fail("invalid");
  return ctx.db.transaction().execute(async (trx) => {
    const found = await moderatedProject(trx, ctx, input.projectId, actor);
    if (!found.ok) return found;
    const { project, process } = found.value;
    if (!beforeVoting(process) || !REVIEWABLE.includes(project.status))
      return fail("wrong-phase" as const);
    if (r.cost !== undefined) {
      const district = await trx
        .selectFrom("pb_districts")
        .select("budget")
        .where("id", "=", project.district_id)
        .executeTakeFirstOrThrow();
      if (r.cost > Number(district.budget)) return fail("invalid" as const);
    }
    const at = ctx.clock.now().toISOString();
    await trx
      .updateTable("pb_projects")
      .set({
        status: r.verdict,
        review_note: r.note,
        reviewed_by_uri: actor.uri,
        reviewed_at: at,
        ...(r.title !== undefined ? { title: r.title } : {}),
        ...(r.description !== undefined ? { description: r.description } : {}),
        ...(r.cost !== undefined ? { cost: r.cost } : {}),
        updated_at: at,
      })
      .where("id", "=", project.id)
      .execute();
    await tellAuthor(trx, ctx, project);
    await recordEvent(trx, {
      type: "budgeting.project.reviewed",
      payload: { processId: process.id, projectId: project.id },
    });
    return ok({ id: project.id });
  });
}

export const mergeSchema = z.strictObject({
  /** The projects folded into `intoId`. */
  projectIds: z.array(z.string().min(1).max(64)).min(1).max(50),
  note: z.string().trim().min(1).max(5000),
});

/**
 * A moderator merges proposals into one (which stays, and may be reviewed or
 * adjusted as any other): the others become "merged", pointing at it, with the
 * note; every author is told. All must be in the same district.
 */
export async function mergeProjects(
  ctx: BudgetingContext,
  actor: Voter,
  input: { intoId: string; merge: unknown },
): Promise<Result<{ id: string; merged: number }, ReviewProblem>> {
  const parsed = mergeSchema.safeParse(input.merge);
  if (!parsed.success) return fail("invalid");
  const ids = [...new Set(parsed.data.projectIds)];
  if (ids.includes(input.intoId)) return fail("invalid");
  return ctx.db.transaction().execute(async (trx) => {
    const found = await moderatedProject(trx, ctx, input.intoId, actor);
    if (!found.ok) return found;
    const { project: into, process } = found.value;
    if (!beforeVoting(process) || !REVIEWABLE.includes(into.status))
      return fail("wrong-phase" as const);
    const sources = await trx
      .selectFrom("pb_projects")
      .selectAll()
      .where("id", "in", ids)
      .where("process_id", "=", process.id)
      .execute();
    if (sources.length !== ids.length) return fail("not-found" as const);
    if (sources.some((s) => s.district_id !== into.district_id || !REVIEWABLE.includes(s.status)))
      return fail("invalid" as const);
    const at = ctx.clock.now().toISOString();
    await trx
      .updateTable("pb_projects")
      .set({
        status: "merged",
        merged_into_id: into.id,
        review_note: parsed.data.note,
        reviewed_by_uri: actor.uri,
        reviewed_at: at,
        updated_at: at,
      })
      .where("id", "in", ids)
      .execute();
    for (const s of sources) {
      await tellAuthor(trx, ctx, s);
      await recordEvent(trx, {
        type: "budgeting.project.reviewed",
        payload: { processId: process.id, projectId: s.id },
      });
    }
    await tellAuthor(trx, ctx, into);
    return ok({ id: into.id, merged: sources.length });
  });
}

/** The project and its process (locked), if the actor runs the process. */
export async function moderatedProject(
  trx: Kysely<Schema>,
  ctx: BudgetingContext,
  projectId: string,
  actor: Voter,
) {
  const project = await trx
    .selectFrom("pb_projects")
    .selectAll()
    .where("id", "=", projectId)
    .executeTakeFirst();
  const process = project ? await lockProcess(trx, project.process_id) : undefined;
  if (!project || !process?.local || !process.group_id) return fail("not-found" as const);
  const group = await findGroupById(trx, process.group_id);
  if (!group) return fail("not-found" as const);
  if (!(await canRun(trx, ctx.origin, group, actor))) return fail("forbidden" as const);
  return ok({ project, process, group });
}

/** The author, if a member here, hears of the review; the notice links to the project. */
export async function tellAuthor(
  trx: Kysely<Schema>,
  ctx: BudgetingContext,
  project: Pick<Project, "account_id" | "uri">,
) {
  if (!project.account_id) return;
  await notify(
    trx,
    { accountId: project.account_id, type: "budget_project", fromUri: project.uri },
    ctx.clock,
  );
}
