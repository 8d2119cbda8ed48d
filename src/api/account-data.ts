/**
 * The client API's part of a member's data (see accounts/data.ts): the export
 * lists the apps they authorized, their lists and read markers (never a token);
 * erasing revokes every token and removes codes, lists, markers and idempotency keys.
 */
import type { AccountDataContributor } from "../accounts/data.ts";

export const apiContributor: AccountDataContributor = {
  name: "api",
  async export(db, accountId) {
    const [apps, lists, members, markers] = await Promise.all([
      db
        .selectFrom("oauth_tokens as t")
        .innerJoin("oauth_apps as a", "a.id", "t.app_id")
        .select(["a.name", "a.website", "t.scopes", "t.created_at"])
        .where("t.account_id", "=", accountId)
        .where("t.revoked_at", "is", null)
        .orderBy("t.id")
        .execute(),
      db
        .selectFrom("lists")
        .select(["id", "title", "replies_policy"])
        .where("account_id", "=", accountId)
        .orderBy("id")
        .execute(),
      db
        .selectFrom("list_accounts as la")
        .innerJoin("lists as l", "l.id", "la.list_id")
        .select(["la.list_id", "la.actor_uri"])
        .where("l.account_id", "=", accountId)
        .execute(),
      db
        .selectFrom("markers")
        .select(["timeline", "last_read_id", "updated_at"])
        .where("account_id", "=", accountId)
        .execute(),
    ]);
    return {
      authorizedApps: apps,
      lists: lists.map((l) => ({
        ...l,
        accounts: members.filter((m) => m.list_id === l.id).map((m) => m.actor_uri),
      })),
      markers,
    };
  },
  async erase(trx, accountId, at) {
    await trx
      .updateTable("oauth_tokens")
      .set({ revoked_at: at })
      .where("account_id", "=", accountId)
      .where("revoked_at", "is", null)
      .execute();
    await trx.deleteFrom("oauth_codes").where("account_id", "=", accountId).execute();
    await trx
      .deleteFrom("list_accounts")
      .where("list_id", "in", (eb) =>
        eb.selectFrom("lists").select("id").where("account_id", "=", accountId),
      )
      .execute();
    await trx.deleteFrom("lists").where("account_id", "=", accountId).execute();
    await trx.deleteFrom("markers").where("account_id", "=", accountId).execute();
    await trx.deleteFrom("idempotency_keys").where("account_id", "=", accountId).execute();
  },
};
