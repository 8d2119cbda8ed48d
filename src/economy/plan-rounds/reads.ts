/**
 * A round as its pages and the API show it, in a fixed number of queries: the
 * round, this node's co-op's part (its commitments, every revision), the
 * whole plan for a round hosted here (first MAX_SHOWN commitments, and how
 * many there are), this co-op's answer to the current revision, and the
 * diagnosis of an infeasible round.
 */
import type { Kysely, Selectable } from "kysely";
import type { PlanPartAnswersTable } from "../../db/schema/plan-rounds.ts";
import type { Schema } from "../../db/schema.ts";
import { coopUri } from "../../kernel/uris.ts";
import { commitmentsOfRound, findRound, type PlanCommitment, type PlanRound } from "./rounds.ts";
import type { ShortMinimum, Weights } from "./rules.ts";

export const MAX_SHOWN = 500;

export interface RoundView {
  round: PlanRound;
  weights: Weights;
  diagnosis: ShortMinimum[];
  /** This node's co-op's commitments. */
  part: PlanCommitment[];
  /** The whole plan (a hosted round), at most MAX_SHOWN commitments; [] for a copy. */
  plan: PlanCommitment[];
  planSize: number;
  /** This co-op's answer to the current revision, if it gave one. */
  answer: Selectable<PlanPartAnswersTable> | null;
  /** May the co-op answer now (accepting, before the deadline, a part, not answered)? */
  canAnswer: boolean;
}

export async function roundView(
  db: Kysely<Schema>,
  origin: string,
  roundId: string,
  now: Date,
): Promise<RoundView | null> {
  const round = await findRound(db, roundId);
  if (!round) return null;
  const coop = coopUri(origin);
  const part = await commitmentsOfRound(db, round, coop);
  const plan = round.local ? await commitmentsOfRound(db, round, undefined, MAX_SHOWN) : [];
  const size = round.local
    ? await db
        .selectFrom("plan_commitments")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("round_id", "=", round.id)
        .where("revision", "<=", round.revision)
        .executeTakeFirstOrThrow()
    : { n: 0 };
  const answer =
    (await db
      .selectFrom("plan_part_answers")
      .selectAll()
      .where("round_id", "=", round.id)
      .where("revision", "=", round.revision)
      .where("coop_uri", "=", coop)
      .executeTakeFirst()) ?? null;
  const current = part.filter((c) => c.revision === round.revision);
  return {
    round,
    weights: JSON.parse(round.weights) as Weights,
    diagnosis: round.diagnosis ? (JSON.parse(round.diagnosis) as ShortMinimum[]) : [],
    part,
    plan,
    planSize: Number(size.n),
    answer,
    canAnswer:
      round.status === "accepting" &&
      Date.parse(round.deadline) >= now.getTime() &&
      current.length > 0 &&
      !answer,
  };
}

/** Which side of a commitment this co-op is on. */
export const sideOf = (c: PlanCommitment, coop: string) =>
  c.provider_uri === coop ? ("provider" as const) : ("receiver" as const);
