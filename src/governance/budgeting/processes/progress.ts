/**
 * Implementation (issue 19, as Decidim's accountability): once the count has
 * funded projects, the group's moderators post public progress updates on each
 * — a percentage, what happened, photos from their media library. The project
 * keeps its latest percentage for the lists.
 */
import { z } from "zod";
import { recordEvent } from "../../../db/outbox.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import { newId } from "../../../kernel/ids.ts";
import type { BudgetingContext, Voter } from "./context.ts";
import { MAX_IMAGES, ownImages } from "./projects.ts";
import { fundedProjectIds } from "./reads.ts";
import { moderatedProject } from "./review.ts";

export const progressSchema = z.strictObject({
  progress: z.number().int().min(0).max(100),
  body: z.string().trim().min(1).max(5000),
  images: z
    .array(
      z.strictObject({
        mediaId: z.string().min(1).max(64),
        alt: z.string().trim().max(1500).default(""),
      }),
    )
    .max(MAX_IMAGES)
    .default([]),
});

export type ProgressInput = z.input<typeof progressSchema>;
export type ProgressProblem = "invalid" | "not-found" | "forbidden" | "wrong-phase" | "not-funded";

/** A moderator reports progress on a funded project while the process is in implementation. */
export async function postProgress(
  ctx: BudgetingContext,
  actor: Voter,
  input: { projectId: string; update: unknown },
): Promise<Result<{ id: string }, ProgressProblem>> {
  const parsed = progressSchema.safeParse(input.update);
  if (!parsed.success) return fail("invalid");
  const u = parsed.data;
  return ctx.db.transaction().execute(async (trx) => {
    const found = await moderatedProject(trx, ctx, input.projectId, actor);
    if (!found.ok) return found;
    const { project, process } = found.value;
    if (process.phase !== "implementation") return fail("wrong-phase" as const);
    if (!(await fundedProjectIds({ db: trx }, process.id)).has(project.id))
      return fail("not-funded" as const);
    if (!(await ownImages(trx, actor.accountId, u.images))) return fail("invalid" as const);
    const id = newId();
    const at = ctx.clock.now().toISOString();
    await trx
      .insertInto("pb_progress_updates")
      .values({
        id,
        project_id: project.id,
        author_uri: actor.uri,
        account_id: actor.accountId,
        body: u.body,
        progress: u.progress,
        images: JSON.stringify(u.images),
        created_at: at,
      })
      .execute();
    await trx
      .updateTable("pb_projects")
      .set({ progress: u.progress, updated_at: at })
      .where("id", "=", project.id)
      .execute();
    await recordEvent(trx, {
      type: "budgeting.project.progressed",
      payload: { processId: process.id, projectId: project.id, updateId: id },
    });
    return ok({ id });
  });
}
