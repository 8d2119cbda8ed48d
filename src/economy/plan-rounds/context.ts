/**
 * What the plan-rounds capability needs from the node (database, public origin,
 * clock), the member acting, and the URIs of what it stores. Pure types and
 * strings: no HTTP, no Fedify.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import type { Clock } from "../../kernel/clock.ts";

export interface PlanRoundsContext {
  db: Kysely<Schema>;
  /** e.g. https://coop.example */
  origin: string;
  clock: Clock;
}

/** A local member acting. */
export interface PlanMember {
  id: string;
  username: string;
}

/** A round's id (its page and its Plan document, served by federation/plan-rounds/serve.ts). */
export const planRoundUri = (origin: string, id: string) => `${origin}/plan-rounds/${id}`;
export const planCommitmentUri = (roundUri: string, id: string) => `${roundUri}/commitments/${id}`;
/** A co-op's answer to a revision (the id of its Accept or Reject). */
export const planAnswerUri = (roundUri: string, revision: number, coopId: string, kind: string) =>
  `${roundUri}/answers/${revision}/${kind}/${coopId}`;

export const isoNow = (ctx: Pick<PlanRoundsContext, "clock">) => ctx.clock.now().toISOString();
