/**
 * Contributions: a member gives rows to a dataset, by form or CSV, consenting to
 * its purpose word for word (the consent log keeps the text they saw). They can
 * see, export and withdraw their rows; a withdrawal applies from the next budget
 * period, so every release of a period is computed over one set of consents,
 * and once that period starts the rows are deleted by the next query.
 */
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import { findGroupById, isNodeAdmin } from "../groups/groups.ts";
import { membershipOf, standingOf } from "../groups/standing.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { coopUri } from "../kernel/uris.ts";
import type { CommonsContext, CommonsMember } from "./context.ts";
import { type Dataset, findDataset } from "./datasets.ts";
import { parseCsv } from "./dp/index.ts";
import { inFederation } from "./federated/copies.ts";
import {
  type FieldSpec,
  fromUnits,
  MAX_FIELDS,
  nextPeriod,
  periodOf,
  rowToSlots,
} from "./fields.ts";

/** Rows one form or import may carry, and the size of a CSV file. */
export const MAX_ROWS_PER_IMPORT = 1000;
export const MAX_CSV_BYTES = 256 * 1024;
export const SLOTS = ["f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7"] as const;

export type ContributeProblem =
  | "not-found"
  | "closed"
  | "forbidden"
  | "purpose-changed"
  | "too-many-rows"
  | "invalid";

export interface ContributeInput {
  datasetId: string;
  /** The purpose the member saw and consented to; must be the dataset's, word for word. */
  purpose: string;
  rows: readonly Record<string, string | undefined>[];
}

/**
 * May this member contribute? An active member of the group, or any member when
 * their co-op is in the federation (on the federation's node, or here in the copy
 * of a federation's dataset). Where the privacy unit is the co-op, only a node
 * admin gives rows, acting for the co-op.
 */
export async function canContribute(
  db: Kysely<Schema>,
  origin: string,
  dataset: Dataset,
  member: CommonsMember,
): Promise<boolean> {
  if (dataset.unit === "coop" && !(await isNodeAdmin(db, member.id))) return false;
  if (dataset.local === 0) {
    const account = await db
      .selectFrom("accounts")
      .select("status")
      .where("id", "=", member.id)
      .executeTakeFirst();
    return account?.status === "active" && (await inFederation(db, dataset.group_uri));
  }
  const group = dataset.group_id ? await findGroupById(db, dataset.group_id) : undefined;
  if (!group) return false;
  if ((await standingOf(db, origin, group, member)).status === "active") return true;
  if (group.kind !== "federation") return false;
  return (await membershipOf(db, group.id, coopUri(origin)))?.status === "active";
}

/** The rows, checked against the fields, or the first problem with its row number. */
export function checkRows(
  fields: readonly FieldSpec[],
  rows: readonly Record<string, string | undefined>[],
): Result<(string | null)[][], string> {
  if (rows.length === 0) return fail("no rows");
  if (rows.length > MAX_ROWS_PER_IMPORT) return fail(`at most ${MAX_ROWS_PER_IMPORT} rows at once`);
  const out: (string | null)[][] = [];
  for (const [i, row] of rows.entries()) {
    const slots = rowToSlots(fields, row);
    if (!slots.ok) return fail(`row ${i + 1}: ${slots.reason}`);
    out.push(slots.value);
  }
  return ok(out);
}

/** CSV text (a header naming the fields) to rows by field name. */
export function rowsFromCsv(
  fields: readonly FieldSpec[],
  text: string,
): Result<Record<string, string>[], string> {
  if (Buffer.byteLength(text) > MAX_CSV_BYTES) return fail("the file is larger than 256 KB");
  let table: ReturnType<typeof parseCsv>;
  try {
    table = parseCsv(text);
  } catch (error) {
    return fail((error as Error).message);
  }
  const missing = fields.filter((f) => !table.header.includes(f.name)).map((f) => f.name);
  if (missing.length) return fail(`CSV: no column ${missing.join(", ")}`);
  if (table.rowCount > MAX_ROWS_PER_IMPORT)
    return fail(`at most ${MAX_ROWS_PER_IMPORT} rows at once`);
  const columns = fields.map((f) => table.column(f.name));
  return ok(
    Array.from({ length: table.rowCount }, (_, r) =>
      Object.fromEntries(fields.map((f, j) => [f.name, columns[j]?.[r] ?? ""])),
    ),
  );
}

export async function contribute(
  ctx: CommonsContext,
  member: CommonsMember,
  input: ContributeInput,
): Promise<Result<{ consentId: string; rows: number }, ContributeProblem>> {
  const dataset = await findDataset(ctx.db, input.datasetId);
  if (!dataset || dataset.status === "hidden") return fail("not-found");
  const checked = checkRows(dataset.fieldList, input.rows);
  if (!checked.ok) return fail("invalid");
  return ctx.db.transaction().execute(async (trx) => {
    const current = await findDataset(trx, input.datasetId);
    if (!current || current.status === "hidden") return fail("not-found");
    if (current.status !== "open") return fail("closed");
    if (current.purpose !== input.purpose.trim()) return fail("purpose-changed");
    if (!(await canContribute(trx, ctx.origin, current, member))) return fail("forbidden");
    const had = await trx
      .selectFrom("commons_rows")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("dataset_id", "=", current.id)
      .where("account_id", "=", member.id)
      .where("withdrawn_at", "is", null)
      .executeTakeFirstOrThrow();
    if (Number(had.n) + checked.value.length > current.max_rows_per_member)
      return fail("too-many-rows");
    const now = ctx.clock.now().toISOString();
    const consentId = newId();
    await trx
      .insertInto("commons_consents")
      .values({
        id: consentId,
        dataset_id: current.id,
        account_id: member.id,
        action: "consent",
        purpose: current.purpose,
        rows: checked.value.length,
        effective_period: null,
        created_at: now,
        coop_uri: current.unit === "coop" ? coopUri(ctx.origin) : null,
      })
      .execute();
    const unitKey = current.unit === "coop" ? coopUri(ctx.origin) : member.id;
    const values = checked.value.map((slots) => ({
      id: newId(),
      dataset_id: current.id,
      account_id: member.id,
      unit_key: unitKey,
      consent_id: consentId,
      ...Object.fromEntries(SLOTS.map((s, i) => [s, slots[i] ?? null])),
      created_at: now,
      withdrawn_at: null,
      excluded_from: null,
    }));
    for (let i = 0; i < values.length; i += 100)
      await trx
        .insertInto("commons_rows")
        .values(values.slice(i, i + 100))
        .execute();
    await recordEvent(trx, {
      type: "commons.contribution.recorded",
      payload: { datasetId: current.id, consentId },
    });
    return ok({ consentId, rows: values.length });
  });
}

/**
 * Withdraws all of a member's rows in a dataset, from the next budget period on.
 * Where the unit is the co-op, a node admin withdraws the co-op's rows (whichever
 * admin gave them).
 */
export async function withdrawContributions(
  ctx: CommonsContext,
  member: CommonsMember,
  datasetId: string,
): Promise<Result<{ rows: number; from: string }, "not-found" | "nothing-to-withdraw">> {
  return ctx.db.transaction().execute(async (trx) => {
    const dataset = await findDataset(trx, datasetId);
    if (!dataset) return fail("not-found");
    const forCoop = dataset.unit === "coop";
    if (forCoop && !(await isNodeAdmin(trx, member.id))) return fail("nothing-to-withdraw");
    const now = ctx.clock.now();
    const from = nextPeriod(dataset.period, periodOf(dataset.period, now));
    let rowsOf = trx
      .updateTable("commons_rows")
      .set({ withdrawn_at: now.toISOString(), excluded_from: from })
      .where("dataset_id", "=", datasetId)
      .where("withdrawn_at", "is", null);
    rowsOf = forCoop
      ? rowsOf.where("unit_key", "=", coopUri(ctx.origin))
      : rowsOf.where("account_id", "=", member.id);
    const done = await rowsOf.executeTakeFirst();
    const rows = Number(done.numUpdatedRows);
    if (rows === 0) return fail("nothing-to-withdraw");
    const consentId = newId();
    await trx
      .insertInto("commons_consents")
      .values({
        id: consentId,
        dataset_id: datasetId,
        account_id: member.id,
        action: "withdraw",
        purpose: dataset.purpose,
        rows,
        effective_period: from,
        created_at: now.toISOString(),
        coop_uri: forCoop ? coopUri(ctx.origin) : null,
      })
      .execute();
    await recordEvent(trx, {
      type: "commons.contribution.withdrawn",
      payload: { datasetId, consentId },
    });
    return ok({ rows, from });
  });
}

/** A member's rows in a dataset with values as they gave them (numbers back in decimals). */
export async function myRows(db: Kysely<Schema>, dataset: Dataset, accountId: string) {
  const rows = await db
    .selectFrom("commons_rows")
    .selectAll()
    .where("dataset_id", "=", dataset.id)
    .where("account_id", "=", accountId)
    .orderBy("id")
    .limit(10_000)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.created_at,
    withdrawnAt: row.withdrawn_at,
    excludedFrom: row.excluded_from,
    values: decodeRow(dataset.fieldList, row),
  }));
}

export function decodeRow(
  fields: readonly FieldSpec[],
  row: Record<(typeof SLOTS)[number], string | null>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, f] of fields.slice(0, MAX_FIELDS).entries()) {
    const raw = row[SLOTS[i] ?? "f0"];
    if (raw === null) continue;
    out[f.name] = f.type === "number" ? fromUnits(BigInt(raw), f.decimals) : raw;
  }
  return out;
}

/** The datasets a member has rows or consents in, with counts. */
export async function myDatasets(db: Kysely<Schema>, accountId: string) {
  return db
    .selectFrom("commons_consents as c")
    .innerJoin("commons_datasets as d", "d.id", "c.dataset_id")
    .select([
      "d.id",
      "d.title",
      sql<number>`sum(case when c.action = 'consent' then c.rows else 0 end)`.as("given"),
      sql<number>`sum(case when c.action = 'withdraw' then c.rows else 0 end)`.as("withdrawn"),
    ])
    .where("c.account_id", "=", accountId)
    .groupBy(["d.id", "d.title"])
    .orderBy("d.id", "desc")
    .limit(200)
    .execute();
}

/** The consent log of a member, newest first. */
export function consentLog(db: Kysely<Schema>, accountId: string, datasetId?: string) {
  let q = db
    .selectFrom("commons_consents")
    .selectAll()
    .where("account_id", "=", accountId)
    .orderBy("id", "desc")
    .limit(1000);
  if (datasetId) q = q.where("dataset_id", "=", datasetId);
  return q.execute();
}

/**
 * Releases computed over this member's rows: published after a consent of theirs
 * and before the period their withdrawal (if any, later than that consent) applies from.
 */
export async function releasesUsingMyData(db: Kysely<Schema>, accountId: string) {
  const log = await consentLog(db, accountId);
  if (log.length === 0) return [];
  const datasetIds = [...new Set(log.map((e) => e.dataset_id))];
  const releases = await db
    .selectFrom("commons_releases as r")
    .innerJoin("commons_datasets as d", "d.id", "r.dataset_id")
    .select(["r.id", "r.dataset_id", "r.period", "r.created_at", "r.rho", "d.title"])
    .where("r.dataset_id", "in", datasetIds)
    .orderBy("r.id", "desc")
    .limit(500)
    .execute();
  return releases.filter((r) =>
    log.some(
      (c) =>
        c.action === "consent" &&
        c.dataset_id === r.dataset_id &&
        c.created_at <= r.created_at &&
        !log.some(
          (w) =>
            w.action === "withdraw" &&
            w.dataset_id === r.dataset_id &&
            w.created_at >= c.created_at &&
            (w.effective_period ?? "") <= r.period,
        ),
    ),
  );
}
