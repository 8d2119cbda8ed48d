/**
 * Proposals (issue 19, phase "proposing"): whoever takes part proposes a
 * project with its cost, description, place, category, district and images from
 * their own media library; they may edit it while it is unreviewed and
 * withdraw it until voting opens. Costs are whole minor units, at most the
 * district's budget (a project that cannot be bought cannot win). Decidim's
 * proposals component is the model; its endorsements and comments are the
 * group's thread's job here.
 */

import type { Kysely } from "kysely";
import { z } from "zod";
import { recordEvent } from "../../../db/outbox.ts";
import type { Schema } from "../../../db/schema.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import { newId } from "../../../kernel/ids.ts";
import { budgetProjectUri } from "../../../kernel/uris.ts";
import { proposalUri } from "../elsewhere/proposal-uris.ts";
import type { BudgetingContext, Voter } from "./context.ts";
import { canTakePart } from "./eligibility.ts";
import { lockProcess, type PbImage, type Process } from "./reads.ts";

/** Proposals one person may have in one process (withdrawn ones aside). */
export const MAX_PROPOSALS_EACH = 10;
/** Projects in one process at most (the ballot and the count stay bounded). */
export const MAX_PROJECTS = 1000;
export const MAX_IMAGES = 4;

const imageSchema = z.strictObject({
  mediaId: z.string().min(1).max(64),
  alt: z.string().trim().max(1500).default(""),
});

/** What a proposer fills in (the edges parse with it). */
export const projectSchema = z.strictObject({
  districtId: z.string().min(1).max(64),
  categoryId: z.string().min(1).max(64).nullable().default(null),
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(10_000),
  cost: z.number().int().min(1).max(1_000_000_000_000),
  location: z.string().trim().max(300).default(""),
  latitude: z.number().min(-90).max(90).nullable().default(null),
  longitude: z.number().min(-180).max(180).nullable().default(null),
  images: z.array(imageSchema).max(MAX_IMAGES).default([]),
});

export type ProjectInput = z.input<typeof projectSchema>;
export type ParsedProject = z.output<typeof projectSchema>;

export type ProposeProblem = "invalid" | "not-found" | "forbidden" | "wrong-phase" | "too-many";

/** The district, category, cost and images of a proposal, checked against its process. */
export async function projectProblem(
  trx: Kysely<Schema>,
  process: Process,
  p: ParsedProject,
  imagesOwner: string | null,
): Promise<"invalid" | null> {
  const district = await trx
    .selectFrom("pb_districts")
    .select("budget")
    .where("id", "=", p.districtId)
    .where("process_id", "=", process.id)
    .executeTakeFirst();
  if (!district || p.cost > Number(district.budget)) return "invalid";
  if (p.categoryId) {
    const category = await trx
      .selectFrom("pb_categories")
      .select("id")
      .where("id", "=", p.categoryId)
      .where("process_id", "=", process.id)
      .executeTakeFirst();
    if (!category) return "invalid";
  }
  if ((p.latitude === null) !== (p.longitude === null)) return "invalid";
  if (!(await ownImages(trx, imagesOwner, p.images))) return "invalid";
  return null;
}

/** Are these images uploads of the member (nobody shows someone else's upload by its id)? */
export async function ownImages(
  trx: Kysely<Schema>,
  ownerId: string | null,
  images: PbImage[],
): Promise<boolean> {
  if (images.length === 0) return true;
  if (!ownerId) return false;
  const ids = [...new Set(images.map((i) => i.mediaId))];
  if (ids.length !== images.length) return false;
  const rows = await trx
    .selectFrom("uploads")
    .select("id")
    .where("id", "in", ids)
    .where("owner_id", "=", ownerId)
    .execute();
  return rows.length === ids.length;
}

/**
 * Someone taking part proposes a project while the process is proposing. In a
 * copy of a process hosted elsewhere (local = 0) the proposal is kept here under
 * its own id (elsewhere/proposals.ts), which our co-op sends to the host; the
 * host's description replaces it once the host stored it.
 */
export async function proposeProject(
  ctx: BudgetingContext,
  actor: Voter,
  input: { processId: string; project: unknown },
): Promise<Result<{ id: string }, ProposeProblem>> {
  const parsed = projectSchema.safeParse(input.project);
  if (!parsed.success) return fail("invalid");
  const p = parsed.data;
  return ctx.db.transaction().execute(async (trx) => {
    const process = await lockProcess(trx, input.processId);
    if (!process || process.imported) return fail("not-found" as const);
    if (!(await canTakePart({ db: trx, origin: ctx.origin }, process, actor.uri)))
      return fail("forbidden" as const);
    if (process.phase !== "proposing") return fail("wrong-phase" as const);
    if (await projectProblem(trx, process, p, actor.accountId)) return fail("invalid" as const);
    const counts = await trx
      .selectFrom("pb_projects")
      .select((eb) => [
        eb.fn.countAll<number>().as("all"),
        eb.fn
          .count<number>("id")
          .filterWhere("proposed_by_uri", "=", actor.uri)
          .filterWhere("status", "!=", "withdrawn")
          .as("mine"),
      ])
      .where("process_id", "=", process.id)
      .executeTakeFirstOrThrow();
    if (Number(counts.mine) >= MAX_PROPOSALS_EACH || Number(counts.all) >= MAX_PROJECTS)
      return fail("too-many" as const);
    const id = newId();
    const at = ctx.clock.now().toISOString();
    const sent = process.local ? null : proposalUri(ctx.origin, process.id, id);
    await trx
      .insertInto("pb_projects")
      .values({
        id,
        uri: sent ?? budgetProjectUri(ctx.origin, process.id, id),
        proposal_uri: sent,
        process_id: process.id,
        district_id: p.districtId,
        category_id: p.categoryId,
        title: p.title,
        description: p.description,
        cost: p.cost,
        location: p.location,
        latitude: p.latitude,
        longitude: p.longitude,
        images: JSON.stringify(p.images),
        proposed_by_uri: actor.uri,
        account_id: actor.accountId,
        status: "proposed",
        review_note: "",
        reviewed_by_uri: null,
        reviewed_at: null,
        merged_into_id: null,
        progress: 0,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await recordEvent(trx, {
      type: "budgeting.project.proposed",
      payload: { processId: process.id, projectId: id },
    });
    return ok({ id });
  });
}

export type EditProblem = "invalid" | "not-found" | "forbidden" | "wrong-phase";

/** The author edits their proposal while the process is proposing and it is unreviewed. */
export async function editProject(
  ctx: BudgetingContext,
  actor: Voter,
  input: { projectId: string; project: unknown },
): Promise<Result<{ id: string }, EditProblem>> {
  const parsed = projectSchema.safeParse(input.project);
  if (!parsed.success) return fail("invalid");
  const p = parsed.data;
  return ctx.db.transaction().execute(async (trx) => {
    const row = await authorsProject(trx, ctx.origin, input.projectId, actor);
    if (!row.ok) return row;
    const { project, process } = row.value;
    if (process.phase !== "proposing" || project.status !== "proposed")
      return fail("wrong-phase" as const);
    if (await projectProblem(trx, process, p, actor.accountId)) return fail("invalid" as const);
    await trx
      .updateTable("pb_projects")
      .set({
        district_id: p.districtId,
        category_id: p.categoryId,
        title: p.title,
        description: p.description,
        cost: p.cost,
        location: p.location,
        latitude: p.latitude,
        longitude: p.longitude,
        images: JSON.stringify(p.images),
        updated_at: ctx.clock.now().toISOString(),
      })
      .where("id", "=", project.id)
      .execute();
    await recordEvent(trx, {
      type: "budgeting.project.proposed",
      payload: { processId: process.id, projectId: project.id, change: "edit" },
    });
    return ok({ id: project.id });
  });
}

/** The author withdraws their proposal before voting opens. */
export async function withdrawProject(
  ctx: BudgetingContext,
  actor: Voter,
  input: { projectId: string },
): Promise<Result<{ id: string }, EditProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await authorsProject(trx, ctx.origin, input.projectId, actor);
    if (!row.ok) return row;
    const { project, process } = row.value;
    if (
      (process.phase !== "proposing" && process.phase !== "review") ||
      !["proposed", "feasible", "infeasible"].includes(project.status)
    )
      return fail("wrong-phase" as const);
    await trx
      .updateTable("pb_projects")
      .set({ status: "withdrawn", updated_at: ctx.clock.now().toISOString() })
      .where("id", "=", project.id)
      .execute();
    await recordEvent(trx, {
      type: "budgeting.project.proposed",
      payload: { processId: process.id, projectId: project.id, change: "withdraw" },
    });
    return ok({ id: project.id });
  });
}

/**
 * The project, its process (locked), if the actor proposed it: hosted here, or
 * proposed here in a copy (its proposal id is ours; the relay carries the edit
 * or the withdrawal to the host, which decides again and describes the result).
 */
async function authorsProject(
  trx: Kysely<Schema>,
  origin: string,
  projectId: string,
  actor: Voter,
) {
  const project = await trx
    .selectFrom("pb_projects")
    .selectAll()
    .where("id", "=", projectId)
    .executeTakeFirst();
  const process = project ? await lockProcess(trx, project.process_id) : undefined;
  const ours =
    process &&
    (process.local ||
      (!process.imported &&
        project?.proposal_uri === proposalUri(origin, process.id, project?.id ?? "")));
  if (!project || !process || !ours) return fail("not-found" as const);
  if (project.proposed_by_uri !== actor.uri) return fail("forbidden" as const);
  return ok({ project, process });
}
