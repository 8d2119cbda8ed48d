/**
 * Moving's part of a member's data (accounts/data.ts): the accounts they move
 * from, where they moved, and their imports (what was asked and how it went).
 * Deleting the member erases all of it.
 */
import type { AccountDataContributor } from "../accounts/data.ts";

export const movingContributor: AccountDataContributor = {
  name: "moving",
  async export(db, accountId) {
    const aliases = await db
      .selectFrom("account_aliases")
      .select(["alias_uri as uri", "created_at"])
      .where("account_id", "=", accountId)
      .orderBy("created_at")
      .execute();
    const moved = await db
      .selectFrom("actor_moves")
      .select(["target_uri as to", "moved_at"])
      .where("account_id", "=", accountId)
      .executeTakeFirst();
    const imports = await db
      .selectFrom("imports")
      .select(["kind", "mode", "total_rows", "done_rows", "failed_rows", "state", "created_at"])
      .where("account_id", "=", accountId)
      .orderBy("id")
      .execute();
    return { alsoKnownAs: aliases, movedTo: moved ?? null, imports };
  },
  async erase(trx, accountId) {
    await trx.deleteFrom("account_aliases").where("account_id", "=", accountId).execute();
    await trx.deleteFrom("actor_moves").where("account_id", "=", accountId).execute();
    await trx
      .deleteFrom("import_rows")
      .where("import_id", "in", (eb) =>
        eb.selectFrom("imports").select("id").where("account_id", "=", accountId),
      )
      .execute();
    await trx.deleteFrom("imports").where("account_id", "=", accountId).execute();
  },
};
