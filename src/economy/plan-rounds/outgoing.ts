/**
 * What a federation hosted here tells a member co-op of a round: the round
 * and that co-op's commitments (every revision), for a fetch signed by the
 * co-op's server. A server that hosts no active member co-op of the round's
 * group gets nothing (the same answer as for a round that does not exist).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import type { ReceivedPlan } from "./copies.ts";
import { commitmentsOfRound, findRound, type PlanCommitment, type PlanRound } from "./rounds.ts";

const originOf = (uri: string) => (URL.canParse(uri) ? new URL(uri).origin : null);

/** The member co-op of the round's group whose server is `fetcher`'s, if any. */
async function memberCoopAt(db: Kysely<Schema>, groupId: string, fetcher: string) {
  const origin = originOf(fetcher);
  if (!origin) return null;
  const rows = await db
    .selectFrom("group_members")
    .select("actor_uri")
    .where("group_id", "=", groupId)
    .where("actor_kind", "=", "coop")
    .where("status", "=", "active")
    .where("actor_uri", "like", `${origin}/%`)
    .execute();
  return rows.find((r) => originOf(r.actor_uri) === origin)?.actor_uri ?? null;
}

export function planOf(round: PlanRound, commitments: PlanCommitment[]): ReceivedPlan {
  return {
    uri: round.uri,
    groupUri: round.group_uri,
    title: round.title,
    status: round.status,
    deadline: round.deadline,
    revision: round.revision,
    solverVersion: round.solver_version,
    weights: JSON.parse(round.weights),
    diagnosis: round.diagnosis ? JSON.parse(round.diagnosis) : null,
    commitments: commitments.map((c) => ({
      uri: c.uri,
      revision: c.revision,
      providerUri: c.provider_uri,
      receiverUri: c.receiver_uri,
      specUri: c.spec_uri,
      name: c.name,
      unit: c.unit,
      quantity: Number(c.quantity),
      offerUri: c.offer_uri,
      requestUri: c.request_uri,
      unitCost: c.unit_cost,
      destinationPrice: c.destination_price,
      marginalCost: c.marginal_cost,
      supplyPrice: c.supply_price,
      providerAnswer: c.provider_answer,
      receiverAnswer: c.receiver_answer,
    })),
  };
}

/** A round hosted here as its member co-op at `fetcher`'s server may read it. */
export async function planFor(
  db: Kysely<Schema>,
  roundId: string,
  fetcher: string,
): Promise<ReceivedPlan | null> {
  const round = await findRound(db, roundId);
  if (!round?.local || !round.group_id || round.status === "open") return null;
  const coop = await memberCoopAt(db, round.group_id, fetcher);
  if (!coop) return null;
  return planOf(round, await commitmentsOfRound(db, round, coop));
}
