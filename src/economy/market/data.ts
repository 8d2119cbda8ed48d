/**
 * The marketplace's part of a member's export and of account deletion.
 *
 * Export: the offers and needs they published (as themself, or for the co-op),
 * the catalogue entries they proposed, and their watches.
 *
 * Deletion: their own open or closed proposals are withdrawn (the federation is
 * told: economy.proposal.deleted) and lose their images (the uploads go with the
 * account); the co-op's proposals they published stay — they are the co-op's —
 * without their account. Catalogue entries they proposed stay with a random
 * "deleted:" name as proposer. Their watches go.
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { AccountDataContributor } from "../../accounts/data.ts";
import { recordEvent } from "../../db/outbox.ts";
import type { Schema } from "../../db/schema.ts";
import { memberUri } from "../../kernel/uris.ts";

export const marketContributor = (origin: string): AccountDataContributor => ({
  name: "economy-market",
  async export(db, accountId) {
    const me = (await actorUriOf(db, origin, accountId)) ?? "";
    const proposals = await db
      .selectFrom("econ_proposals")
      .select([
        "uri",
        "purpose",
        "agent_uri",
        "group_uri",
        "spec_uri",
        "name",
        "note",
        "category",
        "unit",
        "quantity",
        "available",
        "minimum",
        "place_name",
        "latitude",
        "longitude",
        "available_from",
        "available_until",
        "reciprocity",
        "unit_price",
        "currency",
        "images",
        "status",
        "published_at",
      ])
      .where((eb) => eb.or([eb("account_id", "=", accountId), eb("agent_uri", "=", me)]))
      .orderBy("id")
      .execute();
    const specs = await db
      .selectFrom("econ_specs")
      .select([
        "uri",
        "group_uri",
        "name",
        "note",
        "unit",
        "category",
        "status",
        "decision_note",
        "created_at",
      ])
      .where("proposed_by_uri", "=", me)
      .orderBy("id")
      .execute();
    const watches = await db
      .selectFrom("econ_watches")
      .select(["category", "spec_uri", "purpose", "created_at"])
      .where("account_id", "=", accountId)
      .orderBy("id")
      .execute();
    return {
      proposals: proposals.map((p) => ({
        ...p,
        quantity: Number(p.quantity),
        available: Number(p.available),
        minimum: Number(p.minimum),
        unit_price: Number(p.unit_price),
        images: JSON.parse(p.images) as unknown,
      })),
      catalogueProposals: specs,
      watches,
    };
  },
  async erase(trx, accountId, at) {
    const me = (await actorUriOf(trx, origin, accountId)) ?? "";
    const own = await trx
      .selectFrom("econ_proposals")
      .select(["id", "status"])
      .where("local", "=", 1)
      .where("agent_kind", "=", "person")
      .where((eb) => eb.or([eb("account_id", "=", accountId), eb("agent_uri", "=", me)]))
      .execute();
    for (const p of own) {
      const live = p.status === "open" || p.status === "closed";
      await trx
        .updateTable("econ_proposals")
        .set({
          account_id: null,
          images: "[]",
          ...(live ? { status: "withdrawn" as const, updated_at: at } : {}),
        })
        .where("id", "=", p.id)
        .execute();
      if (live)
        await recordEvent(trx, { type: "economy.proposal.deleted", payload: { proposalId: p.id } });
    }
    // The co-op's proposals stay the co-op's; only the link to the account goes.
    await trx
      .updateTable("econ_proposals")
      .set({ account_id: null })
      .where("account_id", "=", accountId)
      .execute();
    if (me)
      await trx
        .updateTable("econ_specs")
        .set({ proposed_by_uri: `deleted:${randomUUID()}` })
        .where("proposed_by_uri", "=", me)
        .execute();
    await trx.deleteFrom("econ_watches").where("account_id", "=", accountId).execute();
  },
});

async function actorUriOf(db: Kysely<Schema>, origin: string, accountId: string) {
  const row = await db
    .selectFrom("accounts")
    .select("username")
    .where("id", "=", accountId)
    .executeTakeFirst();
  return row ? memberUri(origin, row.username) : null;
}
