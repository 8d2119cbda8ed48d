/**
 * Named fixtures for the economy's agreement tests: a proposal row as the
 * marketplace (economy/market) would publish it, written straight to the
 * table so these tests do not depend on the marketplace's forms.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import type { EconProposalsTable } from "../../src/db/schema/economy.ts";
import type { Schema } from "../../src/db/schema.ts";
import { createLedger, findLedger, type Ledger } from "../../src/economy/credit/ledgers.ts";
import { createGroup } from "../../src/groups/groups.ts";
import { insertMember } from "../../src/groups/memberships.ts";
import { newId } from "../../src/kernel/ids.ts";
import { coopUri } from "../../src/kernel/uris.ts";
import { socialOf, type TestNode } from "./node.ts";

export const VEG_SPEC = "https://www.wikidata.org/wiki/Q11004";

/** An open offer of 10 kg of vegetables at 2.50 a kg, minimum 1 kg, by the co-op of `origin`. */
export async function publishProposal(
  db: Kysely<Schema>,
  origin: string,
  overrides: Partial<EconProposalsTable> = {},
): Promise<{ id: string; uri: string }> {
  const id = overrides.id ?? newId();
  const uri = overrides.uri ?? `${origin}/economy/proposals/${id}`;
  const now = "2026-03-01T10:00:00.000Z";
  await db
    .insertInto("econ_proposals")
    .values({
      id,
      uri,
      local: 1,
      purpose: "offer",
      agent_uri: `${origin}/users/coop`,
      agent_kind: "coop",
      account_id: null,
      group_uri: null,
      spec_id: null,
      spec_uri: VEG_SPEC,
      name: "Vegetables",
      note: "Seasonal box",
      category: "food",
      unit: "kilogram",
      quantity: 10_000,
      available: 10_000,
      minimum: 1_000,
      place_name: "",
      latitude: null,
      longitude: null,
      available_from: null,
      available_until: null,
      reciprocity: "money",
      unit_price: 250,
      currency: "EUR",
      action: "transfer",
      images: "[]",
      status: "open",
      published_at: now,
      created_at: now,
      updated_at: now,
      ...overrides,
    })
    .execute();
  return { id, uri };
}

/**
 * A federation group hosted on `node` with its co-op and `others` (co-ops elsewhere,
 * by URI) as active members, and a ledger in `unit` with limits of 100 units.
 */
export async function federationWithLedger(
  node: TestNode,
  admin: { id: string; username: string },
  o: { name: string; unit: string; others: string[] },
): Promise<Ledger> {
  const made = await createGroup(socialOf(node), admin, {
    name: o.name,
    kind: "federation",
    displayName: o.name,
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok);
  for (const coop of [coopUri(node.url), ...o.others])
    await insertMember(node.node.db.db, new Date().toISOString(), activeCoop(made.value.id, coop));
  const opened = await createLedger(socialOf(node), admin, {
    groupId: made.value.id,
    settings: { unit: o.unit, defaultDebitLimit: 10_000, defaultCreditLimit: 10_000 },
  });
  assert.ok(opened.ok);
  const ledger = await findLedger(node.node.db.db, opened.value.id);
  assert.ok(ledger);
  return ledger;
}

/** The membership row of a co-op (by its actor URI) active in a federation group. */
export const activeCoop = (groupId: string, coop: string) => ({
  group_id: groupId,
  actor_uri: coop,
  account_id: null,
  remote_id: null,
  actor_kind: "coop" as const,
  role: "member" as const,
  status: "active" as const,
  follow_activity_uri: null,
});
