/**
 * Named fixtures for the economy's agreement tests: a proposal row as the
 * marketplace (economy/market) would publish it, written straight to the
 * table so these tests do not depend on the marketplace's forms.
 */
import type { Kysely } from "kysely";
import type { EconProposalsTable } from "../../src/db/schema/economy.ts";
import type { Schema } from "../../src/db/schema.ts";
import { newId } from "../../src/kernel/ids.ts";

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
