/**
 * Casting, reading and withdrawing a participatory budgeting ballot. A voter
 * has one ballot per district of a process, which they may change while the
 * process is in its voting phase. Every check runs inside the transaction:
 * the phase, eligibility (canTakePart) and the ballot's rules (ballot-rules.ts)
 * against the district's feasible projects. Ballots cast at the same time on
 * one process are written together (group commit, ballot-batch.ts), each
 * checked and answered as if alone. On PostgreSQL the process's row is locked
 * for the writes, so a phase change (which locks it too) waits for them, or
 * they see it.
 *
 * Named ballots are rows of pb_ballots; secret ones go to secret-ballots.ts and
 * give the voter a receipt, their only way to change, read or withdraw it.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../../../db/outbox.ts";
import type { PbProcessesTable } from "../../../db/schema/budgeting.ts";
import type { Schema } from "../../../db/schema.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import type { Voter } from "../../decisions/context.ts";
import { type GroupCommit, groupCommit } from "../../decisions/group-commit.ts";
import { isPostgres } from "../../decisions/secret-ballot.ts";
import { type BallotRequest, writeBallots } from "./ballot-batch.ts";
import type { BallotProblem, BallotRules, Choices } from "./ballot-rules.ts";
import type { BudgetingContext } from "./context.ts";
import { hasVotedSecretly, secretBallotByReceipt, withdrawSecretBallot } from "./secret-ballots.ts";

export type PbProcessRow = PbProcessesTable;

export type CastProblem =
  | "not-found"
  | "not-hosted-here"
  | "not-voting"
  | "not-eligible"
  | "district-not-found"
  | "receipt-required"
  | "receipt-unknown"
  | BallotProblem;

export interface CastBallot {
  processId: string;
  districtId: string;
  /** Raw choices (form, JSON or activity): { projectId: points }. */
  choices: unknown;
  /** Changing a secret ballot: the receipt given when it was cast. */
  receipt?: string;
}

export interface BallotCast {
  changed: boolean;
  /** A secret ballot's receipt, shown once (null for named ballots and on a change). */
  receipt: string | null;
}

/** The district's ballot: its budget and the projects on it, in ballot order. */
export interface DistrictBallot {
  district: { id: string; name: string; budget: number };
  projects: { id: string; title: string; cost: number; category_id: string | null }[];
}

/** The process as ballot rules see it, for one district's budget. */
export function rulesOf(p: PbProcessRow, budget: number): BallotRules {
  return {
    kind: p.ballot_kind,
    minProjects: p.min_projects,
    maxProjects: p.max_projects,
    spendingCap: p.spending_cap === 1,
    points: p.points,
    budget,
  };
}

/** A district of the process with its feasible projects (cheapest first), or undefined. */
export async function districtBallot(
  db: Kysely<Schema>,
  processId: string,
  districtId: string,
): Promise<DistrictBallot | undefined> {
  const district = await db
    .selectFrom("pb_districts")
    .select(["id", "name", "budget"])
    .where("id", "=", districtId)
    .where("process_id", "=", processId)
    .executeTakeFirst();
  if (!district) return undefined;
  const projects = await db
    .selectFrom("pb_projects")
    .select(["id", "title", "cost", "category_id"])
    .where("process_id", "=", processId)
    .where("district_id", "=", districtId)
    .where("status", "=", "feasible")
    .orderBy("cost")
    .orderBy("id")
    .execute();
  return {
    district: { ...district, budget: Number(district.budget) },
    projects: projects.map((p) => ({ ...p, cost: Number(p.cost) })),
  };
}

function lockProcess(trx: Kysely<Schema>, id: string, how: "none" | "share" | "update") {
  const q = trx.selectFrom("pb_processes").selectAll().where("id", "=", id);
  return (how === "update" ? q.forUpdate() : how === "share" ? q.forShare() : q).executeTakeFirst();
}

/** One batcher per database handle: ballots on the same process share a transaction. */
const batchers = new WeakMap<
  Kysely<Schema>,
  GroupCommit<BallotRequest, Result<BallotCast, CastProblem>>
>();

/**
 * Casts (or changes) a ballot. Ballots on one process that arrive while an
 * earlier batch is being written are written together, in one transaction
 * (ballot-batch.ts checks each as if it were alone); the answer comes once the
 * ballot is committed, and a batch that fails is retried ballot by ballot.
 */
export function castBallot(
  ctx: BudgetingContext,
  voter: Voter,
  input: CastBallot,
): Promise<Result<BallotCast, CastProblem>> {
  let batcher = batchers.get(ctx.db);
  if (!batcher) {
    batcher = groupCommit(writeBallots);
    batchers.set(ctx.db, batcher);
  }
  return batcher.submit(input.processId, { ctx, voter, input });
}

export interface BallotOf {
  voted: boolean;
  /** The choices (named; secret with the right receipt), else null. */
  choices: Choices | null;
}

/** The voter's ballot in a district: whether they voted and, if it can be read, what they chose. */
export async function ballotOf(
  ctx: BudgetingContext,
  voter: Voter,
  input: { processId: string; districtId: string; receipt?: string },
): Promise<BallotOf> {
  const at = { processId: input.processId, districtId: input.districtId };
  const named = await ctx.db
    .selectFrom("pb_ballots")
    .select("choices")
    .where("process_id", "=", at.processId)
    .where("district_id", "=", at.districtId)
    .where("voter_uri", "=", voter.uri)
    .executeTakeFirst();
  if (named) return { voted: true, choices: JSON.parse(named.choices) as Choices };
  if (!(await hasVotedSecretly(ctx.db, at, voter.uri))) return { voted: false, choices: null };
  const choices = input.receipt ? await secretBallotByReceipt(ctx.db, at, input.receipt) : null;
  return { voted: true, choices };
}

export type WithdrawProblem =
  | "not-found"
  | "not-voting"
  | "not-hosted-here"
  | "no-ballot"
  | "receipt-required"
  | "receipt-unknown";

/** Takes a ballot back while voting is open (a secret one only with its receipt). */
export async function withdrawBallot(
  ctx: BudgetingContext,
  voter: Voter,
  input: { processId: string; districtId: string; receipt?: string },
): Promise<Result<{ withdrawn: true }, WithdrawProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const p = await lockProcess(trx, input.processId, isPostgres(trx) ? "update" : "none");
    if (!p) return fail("not-found");
    if (p.imported) return fail("not-hosted-here");
    if (p.phase !== "voting") return fail("not-voting");
    const at = { processId: p.id, districtId: input.districtId };
    if (p.secrecy === "secret") {
      if (!(await hasVotedSecretly(trx, at, voter.uri))) return fail("no-ballot");
      if (!input.receipt) return fail("receipt-required");
      if (!(await withdrawSecretBallot(trx, at, voter.uri, input.receipt)))
        return fail("receipt-unknown");
    } else {
      const gone = await trx
        .deleteFrom("pb_ballots")
        .where("process_id", "=", at.processId)
        .where("district_id", "=", at.districtId)
        .where("voter_uri", "=", voter.uri)
        .executeTakeFirst();
      if (gone.numDeletedRows === 0n) return fail("no-ballot");
    }
    await recordEvent(trx, { type: "budgeting.ballot.cast", payload: at });
    return ok({ withdrawn: true });
  });
}
