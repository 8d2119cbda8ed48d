/**
 * What a round plans over: the open offers and needs published to the
 * federation group by its active member co-ops (as co-ops, not as persons),
 * the copies of other nodes' proposals included, in URI order. A proposal
 * past its availability date is left out; a need's minimum is what it says.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { MAX_PROPOSALS, type RoundProposal } from "./rules.ts";

export async function roundProposals(
  db: Kysely<Schema>,
  round: { group_id: string | null; group_uri: string },
  now: Date,
): Promise<RoundProposal[]> {
  if (!round.group_id) return [];
  const day = now.toISOString().slice(0, 10);
  const out: RoundProposal[] = [];
  let after = "";
  // Read a page at a time (by URI), with a turn of the event loop between pages:
  // a 1,000-co-op federation has tens of thousands of proposals.
  for (;;) {
    const page = await pageOf(db, round.group_id, round.group_uri, day, after);
    for (const r of page) out.push(r);
    if (page.length < PAGE || out.length >= MAX_PROPOSALS) return out.slice(0, MAX_PROPOSALS);
    after = page[page.length - 1]?.uri ?? after;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

const PAGE = 5000;

async function pageOf(
  db: Kysely<Schema>,
  groupId: string,
  groupUri: string,
  day: string,
  after: string,
): Promise<RoundProposal[]> {
  const rows = await db
    .selectFrom("econ_proposals as p")
    .innerJoin("group_members as m", (join) =>
      join
        .onRef("m.actor_uri", "=", "p.agent_uri")
        .on("m.group_id", "=", groupId)
        .on("m.status", "=", "active")
        .on("m.actor_kind", "=", "coop"),
    )
    .select([
      "p.uri",
      "p.purpose",
      "p.agent_uri",
      "p.spec_uri",
      "p.name",
      "p.unit",
      "p.category",
      "p.available",
      "p.minimum",
      "p.hours_per_unit",
      "p.latitude",
      "p.longitude",
    ])
    .where("p.group_uri", "=", groupUri)
    .where("p.uri", ">", after)
    .where("p.status", "=", "open")
    .where("p.agent_kind", "=", "coop")
    .where((eb) => eb.or([eb("p.available_until", "is", null), eb("p.available_until", ">=", day)]))
    .orderBy("p.uri")
    .limit(PAGE)
    .execute();
  return rows.map((r) => ({
    uri: r.uri,
    purpose: r.purpose,
    agentUri: r.agent_uri,
    specUri: r.spec_uri,
    name: r.name,
    unit: r.unit,
    category: r.category,
    available: Number(r.available),
    minimum: Number(r.minimum),
    hoursPerUnit: r.hours_per_unit === null ? null : Number(r.hours_per_unit),
    latitude: r.latitude,
    longitude: r.longitude,
  }));
}
