/**
 * Pabulib `.pb` files in and out of the app. Import: a group's moderator loads a
 * past election; it becomes an imported process of the group, already in its
 * "results" phase, with the file's projects (keeping their ids in source_id) and
 * ballots (voter "pabulib:<voter_id>"); the worker's sweep then counts it like
 * any process (counting.ts), so the recount can be set beside the official
 * winners. Export: one district of a process past voting, with its projects,
 * votes, winners and ballots, in the layout pabulib.org publishes; members'
 * names never leave (voters are numbered).
 */
import { recordEvent } from "../../../db/outbox.ts";
import { findGroupById } from "../../../groups/groups.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import { newId } from "../../../kernel/ids.ts";
import { budgetProjectUri, budgetUri, groupUri } from "../../../kernel/uris.ts";
import type { CountResult } from "../count.ts";
import { PbFormatError, parsePbFile, writePbFile } from "../pabulib.ts";
import type { BudgetingContext, Voter } from "./context.ts";
import { canRun } from "./eligibility.ts";
import { IMPORT_LIMITS, type ImportProblem, importedElectionOf, pbFileOf } from "./pb-mapping.ts";
import { processById } from "./reads.ts";

export const IMPORTED_VOTER = "pabulib:";

export type ExportProblem = "not-found" | "not-counted-yet";

/** A district of a process whose voting is over, as a .pb file (its winners in `selected` once counted). */
export async function exportPb(
  ctx: BudgetingContext,
  processId: string,
  districtId: string,
): Promise<Result<string, ExportProblem>> {
  const p = await processById(ctx, processId);
  if (!p) return fail("not-found");
  const district = await ctx.db
    .selectFrom("pb_districts")
    .selectAll()
    .where("id", "=", districtId)
    .where("process_id", "=", p.id)
    .executeTakeFirst();
  if (!district) return fail("not-found");
  // Ballots of an open vote are nobody's to read: a running tally would sway it.
  if (p.phase !== "results" && p.phase !== "implementation") return fail("not-counted-yet");
  const projects = await ctx.db
    .selectFrom("pb_projects")
    .leftJoin("pb_categories", "pb_categories.id", "pb_projects.category_id")
    .select([
      "pb_projects.id",
      "pb_projects.source_id",
      "pb_projects.title",
      "pb_projects.cost",
      "pb_categories.name as category",
    ])
    .where("pb_projects.process_id", "=", p.id)
    .where("pb_projects.district_id", "=", district.id)
    .where("pb_projects.status", "=", "feasible")
    .orderBy("pb_projects.id")
    .execute();
  const fileId = new Map(projects.map((x) => [x.id, x.source_id ?? x.id]));
  const named = await ctx.db
    .selectFrom("pb_ballots")
    .select(["voter_uri", "choices"])
    .where("process_id", "=", p.id)
    .where("district_id", "=", district.id)
    .orderBy("id")
    .execute();
  const secret = await ctx.db
    .selectFrom("pb_secret_ballots")
    .select("choices")
    .where("process_id", "=", p.id)
    .where("district_id", "=", district.id)
    .orderBy("id")
    .execute();
  const renamed = (choices: string) => {
    const out: Record<string, number> = {};
    for (const [id, n] of Object.entries(JSON.parse(choices) as Record<string, number>)) {
      const key = fileId.get(id);
      if (key !== undefined) out[key] = n;
    }
    return out;
  };
  const ballots = [
    ...named.map((b) => ({ voter: b.voter_uri, choices: b.choices })),
    ...secret.map((b) => ({ voter: "", choices: b.choices })),
  ].map((b, i) => ({
    voterId:
      p.imported && b.voter.startsWith(IMPORTED_VOTER)
        ? b.voter.slice(IMPORTED_VOTER.length)
        : String(i + 1),
    choices: renamed(b.choices),
  }));
  const stored = await ctx.db
    .selectFrom("pb_results")
    .select("result")
    .where("process_id", "=", p.id)
    .where("district_id", "=", district.id)
    .executeTakeFirst();
  const selected = stored
    ? new Set((JSON.parse(stored.result) as CountResult).selected.map((id) => fileId.get(id) ?? id))
    : null;
  const file = pbFileOf({
    title: p.title,
    description: p.description,
    currency: p.currency,
    district: district.name,
    rule: p.rule,
    kind: p.ballot_kind,
    budget: Number(district.budget),
    minProjects: p.min_projects,
    maxProjects: p.max_projects,
    points: p.points,
    dateBegin: null,
    dateEnd: p.voting_ends_at,
    projects: projects.map((x) => ({
      id: fileId.get(x.id) as string,
      title: x.title,
      cost: Number(x.cost),
      category: x.category,
    })),
    ballots,
    selected,
  });
  return ok(writePbFile(file));
}

export type ImportPbProblem =
  | ImportProblem
  | "not-found"
  | "forbidden"
  | "file-too-large"
  | `file-invalid:${string}`;

export interface Imported {
  id: string;
  /** The file's official winners (its `selected` column), when it has them. */
  officialWinners: string[] | null;
  warnings: string[];
}

/** Loads a past election into a group as an imported process (counted next by the worker). */
export async function importPb(
  ctx: BudgetingContext,
  actor: Voter,
  groupId: string,
  text: string,
): Promise<Result<Imported, ImportPbProblem>> {
  if (text.length > IMPORT_LIMITS.bytes) return fail("file-too-large");
  let parsed: ReturnType<typeof parsePbFile>;
  try {
    parsed = parsePbFile(text);
  } catch (error) {
    if (error instanceof PbFormatError) return fail(`file-invalid:${error.message}`);
    throw error;
  }
  const mapped = importedElectionOf(parsed);
  if (!mapped.ok) return mapped;
  const e = mapped.value;
  const group = await findGroupById(ctx.db, groupId);
  if (!group) return fail("not-found");
  if (!(await canRun(ctx.db, ctx.origin, group, actor))) return fail("forbidden");
  const id = newId();
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("pb_processes")
      .values({
        id,
        uri: budgetUri(ctx.origin, id),
        local: 1,
        group_id: group.id,
        group_uri: groupUri(ctx.origin, group.name),
        created_by_uri: actor.uri,
        title: e.title,
        description: e.description,
        currency: e.currency,
        // A file that names no rule we know is counted the way most Pabulib elections were: greedy.
        rule: e.rule ?? "greedy",
        ballot_kind: e.kind,
        secrecy: "named",
        min_projects: null,
        max_projects: null,
        spending_cap: 0,
        points: e.points,
        eligibility: "members",
        phase: "results",
        proposing_ends_at: null,
        review_ends_at: null,
        voting_ends_at: null,
        phase_changed_at: at,
        // The engine's and `synco pb count`'s default lot, so a recount by hand agrees.
        seed: "1",
        imported: 1,
        created_at: at,
        updated_at: at,
      })
      .execute();
    const districtId = newId();
    await trx
      .insertInto("pb_districts")
      .values({ id: districtId, process_id: id, name: e.district, budget: e.budget, position: 0 })
      .execute();
    const categoryIds = new Map<string, string>();
    for (const [position, name] of e.categories.entries()) {
      const cid = newId();
      categoryIds.set(name, cid);
      await trx
        .insertInto("pb_categories")
        .values({ id: cid, process_id: id, name: name.slice(0, 100), position })
        .execute();
    }
    const projectIds = new Map<string, string>();
    const projectRows = e.projects.map((x) => {
      const pid = newId();
      projectIds.set(x.key, pid);
      return {
        id: pid,
        uri: budgetProjectUri(ctx.origin, id, pid),
        process_id: id,
        district_id: districtId,
        category_id: x.category ? (categoryIds.get(x.category) ?? null) : null,
        title: x.title.slice(0, 200),
        description: x.description.slice(0, 10_000),
        cost: x.cost,
        location: "",
        latitude: null,
        longitude: null,
        images: "[]",
        proposed_by_uri: actor.uri,
        account_id: null,
        status: "feasible" as const,
        review_note: "",
        reviewed_by_uri: null,
        reviewed_at: null,
        merged_into_id: null,
        progress: 0,
        source_id: x.key,
        created_at: at,
        updated_at: at,
      };
    });
    for (let i = 0; i < projectRows.length; i += 200)
      await trx
        .insertInto("pb_projects")
        .values(projectRows.slice(i, i + 200))
        .execute();
    const ballotRows = e.ballots.map((b) => {
      const choices: Record<string, number> = {};
      for (const [key, n] of Object.entries(b.choices)) choices[projectIds.get(key) as string] = n;
      return {
        id: newId(),
        process_id: id,
        district_id: districtId,
        voter_uri: `${IMPORTED_VOTER}${b.voterId}`,
        cast_by_uri: actor.uri,
        account_id: null,
        choices: JSON.stringify(choices),
        created_at: at,
        updated_at: at,
      };
    });
    for (let i = 0; i < ballotRows.length; i += 500)
      await trx
        .insertInto("pb_ballots")
        .values(ballotRows.slice(i, i + 500))
        .execute();
    await recordEvent(trx, { type: "budgeting.process.created", payload: { processId: id } });
  });
  return ok({ id, officialWinners: e.officialWinners, warnings: e.warnings });
}
