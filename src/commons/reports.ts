/**
 * Moderation of datasets: any member reports one (a misleading purpose, fields
 * that ask too much); the owning group's moderators dismiss the report or hide
 * the dataset, which stops contributions and queries and takes it off the lists.
 * Its releases stay readable by their address: they are already public.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import type { CommonsContext, CommonsMember } from "./context.ts";
import { canModerateDataset, findDataset } from "./datasets.ts";

export const reportReason = z.string().trim().min(1).max(1000);

export async function reportDataset(
  ctx: CommonsContext,
  member: CommonsMember,
  input: { datasetId: string; reason: string },
): Promise<Result<{ id: string }, "not-found" | "invalid">> {
  const reason = reportReason.safeParse(input.reason);
  if (!reason.success) return fail("invalid");
  return ctx.db.transaction().execute(async (trx) => {
    const dataset = await findDataset(trx, input.datasetId);
    if (!dataset || dataset.status === "hidden") return fail("not-found");
    const id = newId();
    await trx
      .insertInto("commons_reports")
      .values({
        id,
        dataset_id: dataset.id,
        reporter_id: member.id,
        reason: reason.data,
        status: "open",
        settled_by: null,
        created_at: ctx.clock.now().toISOString(),
        settled_at: null,
      })
      .execute();
    return ok({ id });
  });
}

export function openReports(db: Kysely<Schema>, datasetId: string) {
  return db
    .selectFrom("commons_reports")
    .selectAll()
    .where("dataset_id", "=", datasetId)
    .where("status", "=", "open")
    .orderBy("id")
    .limit(100)
    .execute();
}

export async function settleReport(
  ctx: CommonsContext,
  moderator: CommonsMember,
  input: { reportId: string; action: "dismiss" | "hide" },
): Promise<Result<{ datasetId: string }, "not-found" | "forbidden">> {
  return ctx.db.transaction().execute(async (trx) => {
    const report = await trx
      .selectFrom("commons_reports")
      .selectAll()
      .where("id", "=", input.reportId)
      .executeTakeFirst();
    if (report?.status !== "open") return fail("not-found");
    const dataset = await findDataset(trx, report.dataset_id);
    if (!dataset) return fail("not-found");
    if (!(await canModerateDataset(trx, ctx.origin, dataset, moderator))) return fail("forbidden");
    const at = ctx.clock.now().toISOString();
    await trx
      .updateTable("commons_reports")
      .set({
        status: input.action === "hide" ? "acted" : "dismissed",
        settled_by: moderator.id,
        settled_at: at,
      })
      .where(
        input.action === "hide" ? "dataset_id" : "id",
        "=",
        input.action === "hide" ? dataset.id : report.id,
      )
      .where("status", "=", "open")
      .execute();
    if (input.action === "hide") {
      await trx
        .updateTable("commons_datasets")
        .set({ status: "hidden", updated_at: at })
        .where("id", "=", dataset.id)
        .execute();
      await recordEvent(trx, {
        type: "commons.dataset.hidden",
        payload: { datasetId: dataset.id },
      });
    }
    return ok({ datasetId: dataset.id });
  });
}
