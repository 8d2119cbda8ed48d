/**
 * Agreements' part of a member's export and of account deletion.
 *
 * Export: the agreements the member took part in (as themselves, or answered
 * for the co-op), their commitments and events, the messages they wrote, and
 * their stocks.
 *
 * Deletion: agreements are contracts with another party, who keeps its copy;
 * so they stay, attributed to the co-op: wherever the member's actor is a
 * party, provider, receiver, recorder or author, the co-op's actor takes its
 * place, and the account link is cut. The member's own stocks go (the co-op's
 * stay as they are).
 */
import type { Kysely } from "kysely";
import type { AccountDataContributor } from "../../accounts/data.ts";
import type { Schema } from "../../db/schema.ts";
import { coopUri, memberUri } from "../../kernel/uris.ts";

async function actorOf(db: Kysely<Schema>, origin: string, accountId: string) {
  const a = await db
    .selectFrom("accounts")
    .select("username")
    .where("id", "=", accountId)
    .executeTakeFirst();
  return a ? memberUri(origin, a.username) : null;
}

export const agreementsContributor = (origin: string): AccountDataContributor => ({
  name: "economy-agreements",
  async export(db, accountId) {
    const me = (await actorOf(db, origin, accountId)) ?? "";
    const agreements = await db
      .selectFrom("econ_agreements")
      .selectAll()
      .where((eb) =>
        eb.or([
          eb("account_id", "=", accountId),
          eb("proposer_uri", "=", me),
          eb("responder_uri", "=", me),
        ]),
      )
      .orderBy("id")
      .execute();
    const ids = agreements.map((a) => a.id);
    const commitments = ids.length
      ? await db
          .selectFrom("econ_commitments")
          .selectAll()
          .where("agreement_id", "in", ids)
          .orderBy("id")
          .execute()
      : [];
    const events = ids.length
      ? await db
          .selectFrom("econ_events")
          .selectAll()
          .where("agreement_id", "in", ids)
          .orderBy("id")
          .execute()
      : [];
    const messages = await db
      .selectFrom("econ_messages")
      .select(["uri", "agreement_id", "author_uri", "body", "created_at"])
      .where((eb) => eb.or([eb("account_id", "=", accountId), eb("author_uri", "=", me)]))
      .orderBy("id")
      .execute();
    const stocks = await db
      .selectFrom("econ_resources")
      .select(["uri", "spec_uri", "name", "unit", "on_hand", "updated_at"])
      .where("owner_uri", "=", me)
      .orderBy("id")
      .execute();
    return { agreements, commitments, events, messages, stocks };
  },
  async erase(trx, accountId, at) {
    const me = await actorOf(trx, origin, accountId);
    const coop = coopUri(origin);
    await trx
      .updateTable("econ_agreements")
      .set({ account_id: null })
      .where("account_id", "=", accountId)
      .execute();
    await trx
      .updateTable("econ_messages")
      .set({ account_id: null })
      .where("account_id", "=", accountId)
      .execute();
    if (!me) return;
    for (const column of ["proposer_uri", "responder_uri"] as const)
      await trx
        .updateTable("econ_agreements")
        .set({ [column]: coop, updated_at: at })
        .where(column, "=", me)
        .execute();
    for (const column of ["provider_uri", "receiver_uri"] as const) {
      await trx
        .updateTable("econ_commitments")
        .set({ [column]: coop })
        .where(column, "=", me)
        .execute();
      await trx
        .updateTable("econ_events")
        .set({ [column]: coop })
        .where(column, "=", me)
        .execute();
    }
    await trx
      .updateTable("econ_events")
      .set({ recorded_by_uri: coop })
      .where("recorded_by_uri", "=", me)
      .execute();
    await trx
      .updateTable("econ_messages")
      .set({ author_uri: coop })
      .where("author_uri", "=", me)
      .execute();
    await trx.deleteFrom("econ_resources").where("owner_uri", "=", me).execute();
  },
});
