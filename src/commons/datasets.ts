/**
 * Datasets: declared by the moderators of a co-op's assembly or of a federation
 * group, with typed fields, the privacy unit, the purpose contributors consent
 * to, and a budget per period. Reads hydrate the field list once per dataset.
 */
import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import { recordEvent } from "../db/outbox.ts";
import type { CommonsDatasetsTable } from "../db/schema/commons.ts";
import type { Schema } from "../db/schema.ts";
import { findGroupById } from "../groups/groups.ts";
import { canModerate, standingOf } from "../groups/standing.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { groupUri, memberUri } from "../kernel/uris.ts";
import type { CommonsContext, CommonsMember } from "./context.ts";
import { zcdpToEpsilon } from "./dp/index.ts";
import { type FieldSpec, parseFields } from "./fields.ts";

export type DatasetRow = Selectable<CommonsDatasetsTable>;
export type Dataset = DatasetRow & { fieldList: FieldSpec[] };

/** A dataset's public address (its ActivityStreams id once datasets federate). */
export const datasetUri = (origin: string, id: string) => `${origin}/commons/datasets/${id}`;
export const releaseUri = (origin: string, id: string) => `${origin}/commons/releases/${id}`;

/** Groups whose moderators may declare a dataset: a co-op's assembly, a federation. */
export const DATASET_GROUP_KINDS = ["assembly", "federation"] as const;

export const newDatasetSchema = z.strictObject({
  groupId: z.string().min(1).max(64),
  title: z.string().trim().min(1).max(200),
  purpose: z.string().trim().min(10).max(2000),
  unit: z.enum(["member", "coop"]),
  period: z.enum(["month", "quarter", "year"]),
  budgetRho: z.number().positive().max(100),
  defaultRho: z.number().positive().max(100),
  maxRowsPerUnit: z.number().int().min(1).max(100).default(1),
  maxRowsPerMember: z.number().int().min(1).max(10_000).default(100),
  fields: z.unknown(),
});
export type NewDataset = z.input<typeof newDatasetSchema>;

export type DeclareProblem = "invalid" | "group-not-found" | "forbidden";

export function withFields(row: DatasetRow): Dataset {
  return { ...row, fieldList: JSON.parse(row.fields) as FieldSpec[] };
}

/** ε at δ = 10⁻⁶ for a ρ, as pages and the API show beside every budget. */
export const epsilonOf = (rho: number) => zcdpToEpsilon(rho);

/** A declaration checked whole; the message names the field at fault. */
export function parseNewDataset(
  raw: unknown,
): Result<z.output<typeof newDatasetSchema> & { fieldList: FieldSpec[] }, string> {
  const parsed = newDatasetSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return fail(first ? `${first.path.join(".")}: ${first.message}` : "invalid");
  }
  const d = parsed.data;
  if (d.defaultRho > d.budgetRho) return fail("defaultRho: more than the whole budget");
  const fields = parseFields(d.fields);
  if (!fields.ok) return fields;
  return ok({ ...d, fieldList: fields.value });
}

export async function declareDataset(
  ctx: CommonsContext,
  by: CommonsMember,
  input: NewDataset,
): Promise<Result<{ id: string }, DeclareProblem>> {
  const d = parseNewDataset(input);
  if (!d.ok) return fail("invalid");
  return ctx.db.transaction().execute(async (trx) => {
    const group = await findGroupById(trx, d.value.groupId);
    if (!group || !(DATASET_GROUP_KINDS as readonly string[]).includes(group.kind))
      return fail("group-not-found");
    const standing = await standingOf(trx, ctx.origin, group, by);
    if (standing.status !== "active" || !canModerate(standing.role)) return fail("forbidden");
    const id = newId();
    const now = ctx.clock.now().toISOString();
    await trx
      .insertInto("commons_datasets")
      .values({
        id,
        uri: datasetUri(ctx.origin, id),
        local: 1,
        group_id: group.id,
        group_uri: groupUri(ctx.origin, group.name),
        title: d.value.title,
        purpose: d.value.purpose,
        unit: d.value.unit,
        fields: JSON.stringify(d.value.fieldList),
        period: d.value.period,
        budget_rho: d.value.budgetRho,
        default_rho: d.value.defaultRho,
        max_rows_per_unit: d.value.maxRowsPerUnit,
        max_rows_per_member: d.value.maxRowsPerMember,
        status: "open",
        created_by_uri: memberUri(ctx.origin, by.username),
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordEvent(trx, { type: "commons.dataset.declared", payload: { datasetId: id } });
    return ok({ id });
  });
}

export async function findDataset(db: Kysely<Schema>, id: string): Promise<Dataset | undefined> {
  const row = await db
    .selectFrom("commons_datasets")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  return row ? withFields(row) : undefined;
}

/** Datasets anyone may see (hidden ones are left out), newest first. */
export async function listDatasets(db: Kysely<Schema>, limit = 100): Promise<Dataset[]> {
  const rows = await db
    .selectFrom("commons_datasets")
    .selectAll()
    .where("status", "!=", "hidden")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(withFields);
}

/** Can this member moderate the dataset's group (declare, settle reports)? */
export async function canModerateDataset(
  db: Kysely<Schema>,
  origin: string,
  dataset: Pick<DatasetRow, "group_id">,
  member: CommonsMember,
): Promise<boolean> {
  const group = dataset.group_id ? await findGroupById(db, dataset.group_id) : undefined;
  if (!group) return false;
  const standing = await standingOf(db, origin, group, member);
  return standing.status === "active" && canModerate(standing.role);
}

/** The groups a member may declare a dataset in. */
export async function declarableGroups(db: Kysely<Schema>, origin: string, member: CommonsMember) {
  const groups = await db
    .selectFrom("groups")
    .selectAll()
    .where("kind", "in", [...DATASET_GROUP_KINDS])
    .orderBy("name")
    .limit(200)
    .execute();
  const mine = [];
  for (const group of groups) {
    const standing = await standingOf(db, origin, group, member);
    if (standing.status === "active" && canModerate(standing.role)) mine.push(group);
  }
  return mine;
}
