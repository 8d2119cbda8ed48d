/**
 * What the groups capability needs from the node: the database, its public
 * origin and the clock (src/social/context.ts is the model). Every write of the
 * area takes one as its first argument: `verb(ctx, actor, input)`.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import type { Clock } from "../kernel/clock.ts";

export interface GroupsContext {
  db: Kysely<Schema>;
  /** e.g. https://coop.example */
  origin: string;
  /** e.g. coop.example (host[:port]) */
  domain: string;
  /** The one source of "now" for rows this area writes. */
  clock: Clock;
}

/** A member of this node acting: their account id and username. */
export interface LocalMember {
  id: string;
  username: string;
  role?: "admin" | "moderator" | "member";
}

/** An actor on another server, as the inbox found it (stored in remote_actors). */
export interface RemoteActorRef {
  uri: string;
  /** remote_actors.id */
  remoteId: string;
  /** Its ActivityPub type: Person, Organization, Group, … */
  type: string;
}

export const isoNow = (ctx: Pick<GroupsContext, "clock">) => ctx.clock.now().toISOString();
