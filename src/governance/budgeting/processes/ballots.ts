/**
 * Casting, reading and withdrawing a participatory budgeting ballot. A voter
 * has one ballot per district of a process, which they may change while the
 * process is in its voting phase. Every check runs inside the transaction:
 * the phase, eligibility (canTakePart) and the ballot's rules (ballot-rules.ts)
 * against the district's feasible projects. On PostgreSQL the process's row is
 * locked for the writes — shared for named ballots, so voters do not queue
 * behind each other, exclusive for secret ones, whose district is rewritten —
 * and a phase change (which locks it for update) waits for them, or they see it.
 *
 * Named ballots are rows of pb_ballots; secret ones go to secret-ballots.ts and
 * give the voter a receipt, their only way to change, read or withdraw it.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../../../db/outbox.ts";
import type { PbProcessesTable } from "../../../db/schema/budgeting.ts";
import type { Schema } from "../../../db/schema.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import { newId } from "../../../kernel/ids.ts";
import type { Voter } from "../../decisions/context.ts";
import { isPostgres } from "../../decisions/secret-ballot.ts";
import {
  type BallotProblem,
  type BallotRules,
  type Choices,
  validateChoices,
} from "./ballot-rules.ts";
import type { BudgetingContext } from "./context.ts";
import { canTakePart } from "./eligibility.ts";
import {
  castSecretBallot,
  changeSecretBallot,
  hasVotedSecretly,
  secretBallotByReceipt,
  withdrawSecretBallot,
} from "./secret-ballots.ts";

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

const sameForBallots = (a: PbProcessRow, b: PbProcessRow) =>
  a.phase === b.phase &&
  a.secrecy === b.secrecy &&
  a.ballot_kind === b.ballot_kind &&
  a.min_projects === b.min_projects &&
  a.max_projects === b.max_projects &&
  a.spending_cap === b.spending_cap &&
  a.points === b.points;

async function checkCast(
  trx: Kysely<Schema>,
  ctx: BudgetingContext,
  p: PbProcessRow | undefined,
  voter: Voter,
  input: CastBallot,
): Promise<Result<Choices, CastProblem>> {
  if (!p) return fail("not-found");
  // A copy (local = 0) is voted in here and relayed to its host (federation/budgeting).
  if (p.imported) return fail("not-hosted-here");
  if (p.phase !== "voting") return fail("not-voting");
  const ballot = await districtBallot(trx, p.id, input.districtId);
  if (!ballot) return fail("district-not-found");
  if (!(await canTakePart({ ...ctx, db: trx }, p, voter.uri))) return fail("not-eligible");
  return validateChoices(rulesOf(p, ballot.district.budget), ballot.projects, input.choices);
}

export async function castBallot(
  ctx: BudgetingContext,
  voter: Voter,
  input: CastBallot,
): Promise<Result<BallotCast, CastProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const postgres = isPostgres(trx);
    let p = await lockProcess(trx, input.processId, "none");
    let checked = await checkCast(trx, ctx, p, voter, input);
    if (!checked.ok || !p) return checked.ok ? fail("not-found") : checked;
    if (postgres) {
      const locked = await lockProcess(trx, p.id, p.secrecy === "secret" ? "update" : "share");
      if (!locked || !sameForBallots(p, locked)) {
        checked = await checkCast(trx, ctx, locked, voter, input);
        if (!checked.ok) return checked;
      }
      p = locked ?? p;
    }
    const at = { processId: p.id, districtId: input.districtId };
    let done: BallotCast;
    if (p.secrecy === "secret") {
      if (input.receipt !== undefined && input.receipt !== "") {
        if (!(await changeSecretBallot(trx, at, input.receipt, checked.value)))
          return fail("receipt-unknown");
        done = { changed: true, receipt: null };
      } else {
        const receipt = await castSecretBallot(trx, {
          ...at,
          voterUri: voter.uri,
          castByUri: voter.uri,
          choices: checked.value,
        });
        if (!receipt) return fail("receipt-required");
        done = { changed: false, receipt };
      }
    } else {
      done = await namedBallot(trx, ctx, voter, at, checked.value);
    }
    await recordEvent(trx, { type: "budgeting.ballot.cast", payload: at });
    return ok(done);
  });
}

async function namedBallot(
  trx: Kysely<Schema>,
  ctx: BudgetingContext,
  voter: Voter,
  at: { processId: string; districtId: string },
  choices: Choices,
): Promise<BallotCast> {
  const now = ctx.clock.now().toISOString();
  // A first ballot is one insert; an existing one (the unique key) is replaced.
  const inserted = await trx
    .insertInto("pb_ballots")
    .values({
      id: newId(),
      process_id: at.processId,
      district_id: at.districtId,
      voter_uri: voter.uri,
      cast_by_uri: voter.uri,
      account_id: voter.accountId,
      choices: JSON.stringify(choices),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(["process_id", "district_id", "voter_uri"]).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1)
    return { changed: false, receipt: null };
  await trx
    .updateTable("pb_ballots")
    .set({ choices: JSON.stringify(choices), cast_by_uri: voter.uri, updated_at: now })
    .where("process_id", "=", at.processId)
    .where("district_id", "=", at.districtId)
    .where("voter_uri", "=", voter.uri)
    .execute();
  return { changed: true, receipt: null };
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
