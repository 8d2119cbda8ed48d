/**
 * Decisions across nodes in a member's export and deletion. Export: the ballots
 * they cast here in decisions hosted elsewhere (the choice as sent: this node
 * had to know it) and the mandates they linked. Deletion: both go; what the
 * hosting node counted is that node's (it hears of the deleted actor as every
 * server does).
 */
import type { AccountDataContributor } from "../../accounts/data.ts";

export const decisionFederationContributor: AccountDataContributor = {
  name: "decisionsElsewhere",
  async export(db, accountId) {
    const ballots = await db
      .selectFrom("decision_sent_ballots as b")
      .innerJoin("decisions as d", "d.id", "b.decision_id")
      .select([
        "d.uri as decision",
        "d.title",
        "d.rule",
        "b.on_behalf_of",
        "b.choice",
        "b.created_at",
        "b.updated_at",
      ])
      .where("b.account_id", "=", accountId)
      .orderBy("b.id")
      .execute();
    const mandates = await db
      .selectFrom("decision_mandates as m")
      .innerJoin("decisions as f", "f.id", "m.decision_id")
      .innerJoin("decisions as a", "a.id", "m.assembly_decision_id")
      .select(["f.uri as federationDecision", "a.uri as assemblyDecision", "m.created_at"])
      .where("m.created_by", "=", accountId)
      .orderBy("m.created_at")
      .execute();
    return {
      ballots: ballots.map(({ on_behalf_of, choice, ...b }) => ({
        ...b,
        onBehalfOf: on_behalf_of || null,
        choice: JSON.parse(choice) as unknown,
      })),
      mandates,
    };
  },
  async erase(trx, accountId) {
    await trx.deleteFrom("decision_sent_ballots").where("account_id", "=", accountId).execute();
    await trx.deleteFrom("decision_mandates").where("created_by", "=", accountId).execute();
  },
};
