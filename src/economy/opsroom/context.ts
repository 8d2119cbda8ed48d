/**
 * What the opsroom capability needs from the node: the database, its public
 * origin (for the URIs of indicators and alarms) and the clock (reports, late
 * reports and the escalation windows all read "now" from it).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import type { Clock } from "../../kernel/clock.ts";

export interface OpsroomContext {
  db: Kysely<Schema>;
  /** e.g. https://coop.example */
  origin: string;
  clock: Clock;
}

/** A member of this node acting. */
export interface OpsMember {
  id: string;
  username: string;
}

export const isoNow = (ctx: Pick<OpsroomContext, "clock">) => ctx.clock.now().toISOString();
