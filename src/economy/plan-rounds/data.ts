/**
 * A member's data in plan rounds, for the export archive and account
 * deletion: the rounds they opened, the answers they gave for the co-op, and
 * the weights they proposed, the labour hours they stated for the co-op. Deleting the account keeps all of it (a round,
 * an answer and a proposal are the federation's and the co-op's record) but
 * forgets who the member was: the address that opened a round becomes "".
 */
import type { AccountDataContributor } from "../../accounts/data.ts";
import { memberUri } from "../../kernel/uris.ts";

export const planRoundsContributor = (origin: string): AccountDataContributor => ({
  name: "planRounds",
  async export(db, accountId) {
    const opened = await db
      .selectFrom("plan_rounds")
      .select(["uri", "title", "status", "deadline", "created_at"])
      .where("opened_by", "=", accountId)
      .orderBy("id")
      .execute();
    const answers = await db
      .selectFrom("plan_part_answers as a")
      .innerJoin("plan_rounds as r", "r.id", "a.round_id")
      .select(["r.uri as round", "a.revision", "a.answer", "a.note", "a.answered_at"])
      .where("a.account_id", "=", accountId)
      .orderBy("a.id")
      .execute();
    const weights = await db
      .selectFrom("plan_weight_proposals")
      .select(["decision_id", "weights", "status", "created_at"])
      .where("proposed_by", "=", accountId)
      .orderBy("decision_id")
      .execute();
    const hours = await db
      .selectFrom("plan_round_hours as h")
      .innerJoin("plan_rounds as r", "r.id", "h.round_id")
      .select(["r.uri as round", "h.hours", "h.stated_at"])
      .where("h.account_id", "=", accountId)
      .orderBy("r.uri")
      .execute();
    return { opened, answers, weights, hours };
  },
  async erase(trx, accountId) {
    const account = await trx
      .selectFrom("accounts")
      .select("username")
      .where("id", "=", accountId)
      .executeTakeFirst();
    await trx
      .updateTable("plan_rounds")
      .set({ opened_by: null, opened_by_uri: "" })
      .where("opened_by", "=", accountId)
      .execute();
    if (account)
      await trx
        .updateTable("plan_rounds")
        .set({ opened_by_uri: "" })
        .where("opened_by_uri", "=", memberUri(origin, account.username))
        .execute();
    await trx
      .updateTable("plan_part_answers")
      .set({ account_id: null })
      .where("account_id", "=", accountId)
      .execute();
    await trx
      .updateTable("plan_weight_proposals")
      .set({ proposed_by: null })
      .where("proposed_by", "=", accountId)
      .execute();
    await trx
      .updateTable("plan_round_hours")
      .set({ account_id: null })
      .where("account_id", "=", accountId)
      .execute();
  },
});
