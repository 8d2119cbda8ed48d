/**
 * Reads of participatory budgeting processes: rows as stored (money in minor
 * units, images as parsed JSON). Every page and route reads through here, so
 * "what a process shows" has one home; pages that render many rows take them
 * in a fixed number of queries.
 */
import type { Kysely, Selectable } from "kysely";
import { locksRows } from "../../../accounts/locking.ts";
import type {
  PbCategoriesTable,
  PbDistrictsTable,
  PbProcessesTable,
  PbProgressUpdatesTable,
  PbProjectStatus,
  PbProjectsTable,
} from "../../../db/schema/budgeting.ts";
import type { Schema } from "../../../db/schema.ts";
import type { BudgetingContext } from "./context.ts";

export type Process = Selectable<PbProcessesTable>;
export type District = Selectable<PbDistrictsTable>;
export type Category = Selectable<PbCategoriesTable>;
export type Project = Selectable<PbProjectsTable>;
export type ProgressUpdate = Selectable<PbProgressUpdatesTable>;

/** An image of a project or update: an upload of this node's media library. */
export interface PbImage {
  mediaId: string;
  alt: string;
}

type Db = Pick<BudgetingContext, "db">;

export function processById(ctx: Db, id: string): Promise<Process | undefined> {
  return ctx.db.selectFrom("pb_processes").selectAll().where("id", "=", id).executeTakeFirst();
}

export function processByUri(ctx: Db, uri: string): Promise<Process | undefined> {
  return ctx.db.selectFrom("pb_processes").selectAll().where("uri", "=", uri).executeTakeFirst();
}

/** The process row locked for a change (PostgreSQL: FOR UPDATE; SQLite has one writer). */
export function lockProcess(trx: Kysely<Schema>, id: string): Promise<Process | undefined> {
  const q = trx.selectFrom("pb_processes").selectAll().where("id", "=", id);
  return (locksRows(trx) ? q.forUpdate() : q).executeTakeFirst();
}

/** Processes, newest first; of one group (its URI) when given. */
export function listProcesses(
  ctx: Db,
  options: { groupUri?: string; limit?: number; maxId?: string } = {},
): Promise<Process[]> {
  let q = ctx.db.selectFrom("pb_processes").selectAll();
  if (options.groupUri) q = q.where("group_uri", "=", options.groupUri);
  if (options.maxId) q = q.where("id", "<", options.maxId);
  return q
    .orderBy("id", "desc")
    .limit(Math.min(options.limit ?? 50, 200))
    .execute();
}

export function districtsOf(ctx: Db, processId: string): Promise<District[]> {
  return ctx.db
    .selectFrom("pb_districts")
    .selectAll()
    .where("process_id", "=", processId)
    .orderBy("position")
    .execute();
}

export function categoriesOf(ctx: Db, processId: string): Promise<Category[]> {
  return ctx.db
    .selectFrom("pb_categories")
    .selectAll()
    .where("process_id", "=", processId)
    .orderBy("position")
    .execute();
}

/** The projects of a process in proposal order; only those of `statuses` when given. */
export function projectsOf(
  ctx: Db,
  processId: string,
  options: { statuses?: readonly PbProjectStatus[]; districtId?: string } = {},
): Promise<Project[]> {
  let q = ctx.db.selectFrom("pb_projects").selectAll().where("process_id", "=", processId);
  if (options.statuses) {
    if (options.statuses.length === 0) return Promise.resolve([]);
    q = q.where("status", "in", [...options.statuses]);
  }
  if (options.districtId) q = q.where("district_id", "=", options.districtId);
  return q.orderBy("id").execute();
}

export function projectById(ctx: Db, id: string): Promise<Project | undefined> {
  return ctx.db.selectFrom("pb_projects").selectAll().where("id", "=", id).executeTakeFirst();
}

export const imagesOf = (row: Pick<Project | ProgressUpdate, "images">): PbImage[] =>
  JSON.parse(row.images) as PbImage[];

/** A picture that arrived from another node (a copy's project, a proposal from elsewhere). */
export interface PbRemoteImage {
  url: string;
  alt: string;
}

/** A project's pictures from another node (checked http(s) when they arrived). */
export const remoteImagesOf = (row: Pick<Project, "remote_images">): PbRemoteImage[] =>
  JSON.parse(row.remote_images) as PbRemoteImage[];

/** A project's progress updates, newest first. */
export function progressOf(ctx: Db, projectId: string): Promise<ProgressUpdate[]> {
  return ctx.db
    .selectFrom("pb_progress_updates")
    .selectAll()
    .where("project_id", "=", projectId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(200)
    .execute();
}

/**
 * The projects the count funded (every district's `selected`), from the stored
 * results; empty until the worker has counted.
 */
export async function fundedProjectIds(ctx: Db, processId: string): Promise<Set<string>> {
  const rows = await ctx.db
    .selectFrom("pb_results")
    .select("result")
    .where("process_id", "=", processId)
    .execute();
  const funded = new Set<string>();
  for (const r of rows) {
    const parsed = JSON.parse(r.result) as { selected?: unknown };
    if (Array.isArray(parsed.selected))
      for (const id of parsed.selected) if (typeof id === "string") funded.add(id);
  }
  return funded;
}

/** The image URLs of some uploads, by id (one query). */
export async function uploadPaths(ctx: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.db
    .selectFrom("uploads")
    .select(["id", "path"])
    .where("id", "in", ids.slice(0, 500))
    .execute();
  return new Map(rows.map((r) => [r.id, r.path]));
}
