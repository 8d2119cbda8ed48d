/**
 * What the agreements capability needs from the node (the database, its public
 * origin, its clock) and who acts in it. An agent is an actor URI: this node's
 * co-op (its Organization) or a member (a Person); a member with the admin or
 * moderator role acts for the co-op, every member acts for themselves.
 * Pure strings and types: no HTTP, no Fedify.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import type { Clock } from "../../kernel/clock.ts";
import { coopUri, memberPrefix, memberUri } from "../../kernel/uris.ts";

export interface AgreementsContext {
  db: Kysely<Schema>;
  /** e.g. https://coop.example */
  origin: string;
  clock: Clock;
}

/** A local member acting, and the agent they act as (themselves or the co-op). */
export interface Acting {
  accountId: string;
  username: string;
  role: "admin" | "moderator" | "member";
  agentUri: string;
}

/** May this member speak for this agent? Themselves always; the co-op with a role. */
export function canActAs(origin: string, acting: Acting): boolean {
  if (acting.agentUri === memberUri(origin, acting.username)) return true;
  return acting.agentUri === coopUri(origin) && acting.role !== "member";
}

/** The agents a member may act as, the co-op first when they may. */
export function agentsOf(origin: string, member: Pick<Acting, "username" | "role">): string[] {
  const self = memberUri(origin, member.username);
  return member.role === "member" ? [self] : [coopUri(origin), self];
}

/** Is this agent one of this node's (a member or the co-op)? */
export const isLocalAgent = (origin: string, uri: string) => uri.startsWith(memberPrefix(origin));

/** ActivityStreams ids of what this capability stores (served by federation/economy/serve.ts). */
export const agreementUri = (origin: string, id: string) => `${origin}/economy/agreements/${id}`;
export const commitmentUri = (agreement: string, reciprocal: boolean) =>
  `${agreement}#${reciprocal ? "reciprocal" : "primary"}`;
export const offerActivityUri = (origin: string, id: string) => `${agreementUri(origin, id)}/offer`;
export const economicEventUri = (origin: string, id: string) => `${origin}/economy/events/${id}`;
export const agreementMessageUri = (origin: string, id: string) =>
  `${origin}/economy/messages/${id}`;
export const resourceUri = (origin: string, id: string) => `${origin}/economy/resources/${id}`;
/** FEP-0837: a proposal's intents are fragments of its id. */
export const intentUri = (proposal: string, reciprocal: boolean) =>
  `${proposal}#${reciprocal ? "reciprocal" : "primary"}`;
