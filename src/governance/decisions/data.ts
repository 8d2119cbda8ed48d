/**
 * The decisions area's part of a member's export and of account deletion.
 *
 * Export: their named and anonymous votes (choice, reason, when) and the
 * decisions they proposed; for secret ballots only that they took part — the
 * choice can be read back only with the receipt the voter holds
 * (secret-ballot.ts ballotByReceipt), which the node never stored.
 *
 * Deletion: in a decision still open, their named vote is withdrawn (it no
 * longer counts); in a closed one it stays, with the voter replaced by a
 * random "deleted:" name and the reason erased, so the stored tally can still
 * be recounted from the ballots. A secret ballot cannot be found without its
 * receipt, so it stays counted; only the record that they took part goes.
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { AccountDataContributor } from "../../accounts/data.ts";
import type { Schema } from "../../db/schema.ts";
import { memberUri } from "../../kernel/uris.ts";
import { laterThan } from "./decisions.ts";

/** `origin`: this node's, to name the member's actor (votes are kept by actor URI). */
export const decisionsContributor = (origin: string): AccountDataContributor => ({
  name: "decisions",
  async export(db, accountId) {
    const me = await actorUriOf(db, origin, accountId);
    const votes = await db
      .selectFrom("decision_votes as v")
      .innerJoin("decisions as d", "d.id", "v.decision_id")
      .select([
        "d.uri as decision",
        "d.title",
        "d.rule",
        "d.ballot",
        "v.voter_uri as countsFor",
        "v.choice",
        "v.reason",
        "v.created_at",
        "v.updated_at",
      ])
      .where((eb) =>
        eb.or([eb("v.account_id", "=", accountId), eb("v.cast_by_uri", "=", me ?? "")]),
      )
      .orderBy("v.id")
      .execute();
    const secret = me
      ? await db
          .selectFrom("decision_voters as v")
          .innerJoin("decisions as d", "d.id", "v.decision_id")
          .select(["d.uri as decision", "d.title", "d.rule", "v.voter_uri as countsFor"])
          .where((eb) => eb.or([eb("v.voter_uri", "=", me), eb("v.cast_by_uri", "=", me)]))
          .orderBy("d.id")
          .execute()
      : [];
    const proposed = me
      ? await db
          .selectFrom("decisions")
          .select(["uri", "title", "rule", "status", "outcome", "created_at"])
          .where("created_by_uri", "=", me)
          .orderBy("id")
          .execute()
      : [];
    return {
      votes: votes.map((v) => ({ ...v, choice: JSON.parse(v.choice) as unknown })),
      // The choice of a secret ballot is not here: it is read with the voter's own receipt.
      secretBallotsTakenPartIn: secret,
      proposed,
    };
  },
  async erase(trx, accountId) {
    const me = await actorUriOf(trx, origin, accountId);
    const mine = await trx
      .selectFrom("decision_votes as v")
      .innerJoin("decisions as d", "d.id", "v.decision_id")
      .select(["v.id", "v.decision_id", "d.status", "v.voter_uri", "v.cast_by_uri"])
      .where((eb) =>
        eb.or([eb("v.account_id", "=", accountId), eb("v.cast_by_uri", "=", me ?? "")]),
      )
      .execute();
    for (const v of mine) {
      if (v.status === "open") {
        await trx.deleteFrom("decision_votes").where("id", "=", v.id).execute();
        // The ballots changed: a new updated_at (live counts are cached by it).
        const d = await trx
          .selectFrom("decisions")
          .select("updated_at")
          .where("id", "=", v.decision_id)
          .executeTakeFirstOrThrow();
        await trx
          .updateTable("decisions")
          .set({ updated_at: laterThan(d.updated_at, new Date()) })
          .where("id", "=", v.decision_id)
          .execute();
        continue;
      }
      // A delegate's vote counted for their co-op: the co-op keeps it, the delegate's name goes.
      const forSelf = v.voter_uri === me || v.voter_uri === v.cast_by_uri;
      const anonymous = `deleted:${randomUUID()}`;
      await trx
        .updateTable("decision_votes")
        .set({
          voter_uri: forSelf ? anonymous : v.voter_uri,
          cast_by_uri: anonymous,
          account_id: null,
          reason: "",
        })
        .where("id", "=", v.id)
        .execute();
    }
    if (me)
      await trx
        .deleteFrom("decision_voters")
        .where((eb) => eb.or([eb("voter_uri", "=", me), eb("cast_by_uri", "=", me)]))
        .execute();
  },
});

async function actorUriOf(
  db: Kysely<Schema>,
  origin: string,
  accountId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom("accounts")
    .select("username")
    .where("id", "=", accountId)
    .executeTakeFirst();
  return row ? memberUri(origin, row.username) : null;
}
