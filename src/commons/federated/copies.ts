/**
 * A federation's dataset on a member co-op's node: a copy (`local` = 0) kept
 * from the federation's description, so this node's members can consent and
 * contribute here and this node can answer the federation's questions over its
 * own rows. Rows never leave the node; only the copy's description comes in.
 * The fields are fixed at the first description (rows are stored by field
 * slot); later descriptions refresh the words and the budget. The node's admins
 * may stop answering (the copy is closed: questions are refused) and resume.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Schema } from "../../db/schema.ts";
import { isNodeAdmin } from "../../groups/groups.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import type { CommonsContext, CommonsMember } from "../context.ts";
import { type Dataset, findDataset, withFields } from "../datasets.ts";
import { parseFields, periodOf } from "../fields.ts";

export interface RemoteDatasetInput {
  uri: string;
  groupUri: string;
  title: string;
  purpose: string;
  unit: "member" | "coop";
  fields: unknown;
  period: "month" | "quarter" | "year";
  budgetRho: number;
  defaultRho: number;
  maxRowsPerUnit: number;
  maxRowsPerMember: number;
  createdByUri: string;
  published: string;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const sameOrigin = (a: string, b: string) =>
  URL.canParse(a) && URL.canParse(b) && new URL(a).origin === new URL(b).origin;

/** Is this node's co-op an active member of the federation (its Follow accepted)? */
export async function inFederation(db: Kysely<Schema>, groupUri: string): Promise<boolean> {
  const row = await db
    .selectFrom("coop_affiliations")
    .select("status")
    .where("group_uri", "=", groupUri)
    .executeTakeFirst();
  return row?.status === "active";
}

export async function copyByUri(db: Kysely<Schema>, uri: string): Promise<Dataset | undefined> {
  const row = await db
    .selectFrom("commons_datasets")
    .selectAll()
    .where("uri", "=", uri)
    .executeTakeFirst();
  return row ? withFields(row) : undefined;
}

export type CopyProblem = "invalid" | "not-a-member" | "ours";

/** Keeps (or refreshes) the copy of a federation's dataset; only from a federation our co-op is in. */
export async function receiveDatasetCopy(
  ctx: Pick<CommonsContext, "db" | "origin" | "clock">,
  input: RemoteDatasetInput,
): Promise<Result<{ id: string }, CopyProblem>> {
  if (sameOrigin(input.uri, ctx.origin)) return fail("ours");
  if (!sameOrigin(input.uri, input.groupUri)) return fail("invalid");
  const fields = parseFields(input.fields);
  if (!fields.ok || input.defaultRho > input.budgetRho) return fail("invalid");
  if (!(await inFederation(ctx.db, input.groupUri))) return fail("not-a-member");
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const had = await copyByUri(trx, input.uri);
    const words = {
      title: input.title,
      purpose: input.purpose,
      budget_rho: input.budgetRho,
      default_rho: input.defaultRho,
      updated_at: now,
    };
    if (had) {
      if (had.local !== 0 || had.group_uri !== input.groupUri) return fail("invalid");
      await trx.updateTable("commons_datasets").set(words).where("id", "=", had.id).execute();
      // A budget the federation's decision changed applies here from this period on.
      await trx
        .updateTable("commons_ledger")
        .set({ budget_rho: input.budgetRho, updated_at: now })
        .where("dataset_id", "=", had.id)
        .where("period", ">=", periodOf(had.period, ctx.clock.now()))
        .execute();
      return ok({ id: had.id });
    }
    // The federation's id where it is free, so links in a release (which name the
    // federation's dataset) lead to the copy here too.
    const tail = input.uri.split("/").pop() ?? "";
    const id = uuid.test(tail) && !(await findDataset(trx, tail)) ? tail : newId();
    await trx
      .insertInto("commons_datasets")
      .values({
        id,
        uri: input.uri,
        local: 0,
        group_id: null,
        group_uri: input.groupUri,
        ...words,
        unit: input.unit,
        fields: JSON.stringify(fields.value),
        period: input.period,
        max_rows_per_unit: input.maxRowsPerUnit,
        max_rows_per_member: input.maxRowsPerMember,
        status: "open",
        created_by_uri: input.createdByUri,
        created_at: now,
      })
      .execute();
    return ok({ id });
  });
}

export const answeringSchema = z.strictObject({ answering: z.boolean() });

/** A node admin stops (closed) or resumes (open) answering the federation's questions from this copy. */
export async function setAnswering(
  ctx: Pick<CommonsContext, "db" | "clock">,
  admin: CommonsMember,
  input: { datasetId: string; answering: boolean },
): Promise<Result<null, "not-found" | "forbidden">> {
  return ctx.db.transaction().execute(async (trx) => {
    const d = await findDataset(trx, input.datasetId);
    if (d?.local !== 0 || d.status === "hidden") return fail("not-found");
    if (!(await isNodeAdmin(trx, admin.id))) return fail("forbidden");
    await trx
      .updateTable("commons_datasets")
      .set({
        status: input.answering ? "open" : "closed",
        updated_at: ctx.clock.now().toISOString(),
      })
      .where("id", "=", d.id)
      .execute();
    return ok(null);
  });
}
