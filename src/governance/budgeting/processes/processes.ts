/**
 * Creating a process (issue 19): a moderator of a group hosted here opens a
 * participatory budget with its money (one budget per district; at least one),
 * its categories, its ballot and rule, and the dates its phases end. It starts
 * in "proposing". A federation group's process is open to the members of every
 * member co-op; any other group's to its own members.
 */
import { randomInt } from "node:crypto";
import { z } from "zod";
import { recordEvent } from "../../../db/outbox.ts";
import { findGroupById } from "../../../groups/groups.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import { newId } from "../../../kernel/ids.ts";
import { budgetUri, groupUri } from "../../../kernel/uris.ts";
import type { BudgetingContext, Voter } from "./context.ts";
import { canRun } from "./eligibility.ts";
import { datesProblem } from "./phase-rules.ts";

export const MAX_DISTRICTS = 50;
export const MAX_CATEGORIES = 50;
/** A budget's ceiling in minor units: far above any real one, well inside a double's exact integers. */
export const MAX_BUDGET = 1_000_000_000_000;
export const MAX_BALLOT_PROJECTS = 500;

const name = z.string().trim().min(1).max(100);
const when = z.iso.datetime({ offset: true }).nullable().default(null);

/** What a moderator fills in (the edges parse with it; createProcess parses again). */
export const newProcessSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().max(10_000).default(""),
  currency: z
    .string()
    .trim()
    .min(1)
    .max(12)
    .regex(/^[\p{L}\p{N} ]+$/u)
    .default("EUR"),
  rule: z.enum(["mes-add1", "mes", "greedy"]).default("mes-add1"),
  ballotKind: z.enum(["approval", "cumulative"]).default("approval"),
  secrecy: z.enum(["named", "secret"]).default("named"),
  minProjects: z.number().int().min(0).max(MAX_BALLOT_PROJECTS).nullable().default(null),
  maxProjects: z.number().int().min(1).max(MAX_BALLOT_PROJECTS).nullable().default(null),
  spendingCap: z.boolean().default(true),
  points: z.number().int().min(1).max(1000).nullable().default(null),
  proposingEndsAt: when,
  reviewEndsAt: when,
  votingEndsAt: when,
  districts: z
    .array(z.strictObject({ name, budget: z.number().int().min(1).max(MAX_BUDGET) }))
    .min(1)
    .max(MAX_DISTRICTS),
  categories: z.array(name).max(MAX_CATEGORIES).default([]),
});

export type NewProcess = z.input<typeof newProcessSchema>;
export type ParsedProcess = z.output<typeof newProcessSchema>;

/** A process checked whole; the message names the field at fault. */
export function parseNewProcess(raw: unknown, now: Date): Result<ParsedProcess, string> {
  const parsed = newProcessSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return fail(first ? first.path.join(".") || "process" : "process");
  }
  const p = parsed.data;
  if (p.ballotKind === "cumulative" && p.points === null) return fail("points");
  if (p.ballotKind === "approval" && p.points !== null) return fail("points");
  if (p.ballotKind === "cumulative" && (p.minProjects !== null || p.maxProjects !== null))
    return fail("minProjects");
  if (p.minProjects !== null && p.maxProjects !== null && p.minProjects > p.maxProjects)
    return fail("maxProjects");
  if (new Set(p.districts.map((d) => d.name)).size !== p.districts.length) return fail("districts");
  if (new Set(p.categories).size !== p.categories.length) return fail("categories");
  const dates = datesProblem(
    {
      proposing_ends_at: p.proposingEndsAt,
      review_ends_at: p.reviewEndsAt,
      voting_ends_at: p.votingEndsAt,
    },
    now,
  );
  if (dates) return fail(DATE_FIELDS[dates]);
  return ok(p);
}

const DATE_FIELDS = {
  proposing_ends_at: "proposingEndsAt",
  review_ends_at: "reviewEndsAt",
  voting_ends_at: "votingEndsAt",
} as const;

export type CreateProcessProblem = "invalid" | "not-found" | "forbidden";

/** A moderator of a group hosted here opens a process; its districts and categories in one transaction. */
export async function createProcess(
  ctx: BudgetingContext,
  actor: Voter,
  input: { groupId: string; process: unknown },
): Promise<Result<{ id: string }, CreateProcessProblem>> {
  const now = ctx.clock.now();
  const parsed = parseNewProcess(input.process, now);
  if (!parsed.ok) return fail("invalid");
  const p = parsed.value;
  const iso = (v: string | null) => (v ? new Date(v).toISOString() : null);
  return ctx.db.transaction().execute(async (trx) => {
    const group = await findGroupById(trx, input.groupId);
    if (!group) return fail("not-found" as const);
    if (!(await canRun(trx, ctx.origin, group, actor))) return fail("forbidden" as const);
    const id = newId();
    const at = now.toISOString();
    await trx
      .insertInto("pb_processes")
      .values({
        id,
        uri: budgetUri(ctx.origin, id),
        local: 1,
        group_id: group.id,
        group_uri: groupUri(ctx.origin, group.name),
        created_by_uri: actor.uri,
        title: p.title,
        description: p.description,
        currency: p.currency,
        rule: p.rule,
        ballot_kind: p.ballotKind,
        secrecy: p.secrecy,
        min_projects: p.minProjects,
        max_projects: p.maxProjects,
        spending_cap: p.spendingCap ? 1 : 0,
        points: p.points,
        eligibility: group.kind === "federation" ? "federation" : "members",
        phase: "proposing",
        proposing_ends_at: iso(p.proposingEndsAt),
        review_ends_at: iso(p.reviewEndsAt),
        voting_ends_at: iso(p.votingEndsAt),
        phase_changed_at: at,
        // The lot that breaks the engine's last ties; recorded so anyone can recount.
        seed: String(randomInt(1, 2 ** 31)),
        imported: 0,
        created_at: at,
        updated_at: at,
      })
      .execute();
    for (const [position, d] of p.districts.entries())
      await trx
        .insertInto("pb_districts")
        .values({ id: newId(), process_id: id, name: d.name, budget: d.budget, position })
        .execute();
    for (const [position, c] of p.categories.entries())
      await trx
        .insertInto("pb_categories")
        .values({ id: newId(), process_id: id, name: c, position })
        .execute();
    await recordEvent(trx, { type: "budgeting.process.created", payload: { processId: id } });
    return ok({ id });
  });
}
