/**
 * A member's part in the mutual-credit ledger, for the export archive and
 * account deletion. The ledger's accounts belong to co-ops, not people; what a
 * member did is ask for transfers as their co-op's admin. The export lists
 * those; deletion only forgets who asked: the transfers and their entries stay,
 * attributed to the co-op, so the ledger still balances.
 */
import type { AccountDataContributor } from "../../accounts/data.ts";

export const creditContributor: AccountDataContributor = {
  name: "credit",
  async export(db, accountId) {
    const transfers = await db
      .selectFrom("credit_transfers as t")
      .innerJoin("credit_ledgers as l", "l.id", "t.ledger_id")
      .select([
        "t.uri",
        "l.uri as ledger",
        "l.unit",
        "t.amount",
        "t.memo",
        "t.status",
        "t.refused_reason",
        "t.created_at",
      ])
      .where("t.initiated_by", "=", accountId)
      .orderBy("t.id")
      .execute();
    const requests = await db
      .selectFrom("credit_requests")
      .select(["uri", "ledger_uri", "payee_uri", "amount", "memo", "created_at"])
      .where("initiated_by", "=", accountId)
      .orderBy("id")
      .execute();
    return { transfers, requests };
  },
  async erase(trx, accountId) {
    await trx
      .updateTable("credit_transfers")
      .set({ initiated_by: null })
      .where("initiated_by", "=", accountId)
      .execute();
    await trx
      .updateTable("credit_requests")
      .set({ initiated_by: null })
      .where("initiated_by", "=", accountId)
      .execute();
  },
};
