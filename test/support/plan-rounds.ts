/**
 * Named fixtures for plan-round tests: member co-ops of a federation hosted
 * here (rows, as if they had joined from their nodes) and their open offers
 * and needs in the federation's marketplace (written straight to the table,
 * as the marketplace's copies would be).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../src/db/schema.ts";
import { newId } from "../../src/kernel/ids.ts";
import { publishProposal } from "./economy.ts";

export const BREAD = "https://specs.example/bread";

/** Makes `uri` an active member co-op of the group. */
export async function memberCoop(db: Kysely<Schema>, groupId: string, uri: string, at: string) {
  await db
    .insertInto("group_members")
    .values({
      id: newId(),
      group_id: groupId,
      actor_uri: uri,
      account_id: null,
      remote_id: null,
      actor_kind: "coop",
      role: "member",
      status: "active",
      follow_activity_uri: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
}

/** An open offer or need of `kg` kilograms of bread (or `spec`) by `agent`, at a place. */
export async function breadProposal(
  db: Kysely<Schema>,
  origin: string,
  input: {
    agent: string;
    groupUri: string;
    purpose: "offer" | "request";
    kg: number;
    at: [number, number];
    minimumKg?: number;
    spec?: string;
    name?: string;
  },
): Promise<string> {
  const id = newId();
  const local = input.agent.startsWith(`${origin}/`) ? 1 : 0;
  const row = await publishProposal(db, origin, {
    id,
    uri: `${new URL(input.agent).origin}/economy/proposals/${id}`,
    local,
    purpose: input.purpose,
    agent_uri: input.agent,
    group_uri: input.groupUri,
    spec_uri: input.spec ?? BREAD,
    name: input.name ?? "Bread",
    unit: "kilogram",
    quantity: input.kg * 1000,
    available: input.kg * 1000,
    minimum: (input.minimumKg ?? 0) * 1000,
    latitude: input.at[0],
    longitude: input.at[1],
    reciprocity: "gift",
    unit_price: 0,
    currency: "",
  });
  return row.uri;
}
