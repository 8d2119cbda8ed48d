/**
 * The groups area's part of a member's export and of account deletion:
 * memberships (with roles, requests and invitations), delegations they hold for
 * the co-op, and the threads and replies they wrote.
 */
import type { AccountDataContributor } from "../accounts/data.ts";
import { coopUri, memberUri } from "../kernel/uris.ts";

/** Memberships and delegations (posts in groups are the social contributor's). */
export const groupsContributor: AccountDataContributor = {
  name: "groups",
  async export(db, accountId) {
    const memberships = await db
      .selectFrom("group_members")
      .innerJoin("groups", "groups.id", "group_members.group_id")
      .select([
        "groups.name as group",
        "groups.kind",
        "group_members.role",
        "group_members.status",
        "group_members.created_at",
      ])
      .where("group_members.account_id", "=", accountId)
      .orderBy("group_members.id")
      .execute();
    const delegations = await db
      .selectFrom("coop_delegates")
      .innerJoin("coop_affiliations", "coop_affiliations.id", "coop_delegates.affiliation_id")
      .select(["coop_affiliations.group_uri as federation", "coop_delegates.created_at"])
      .where("coop_delegates.account_id", "=", accountId)
      .execute();
    // Posts in groups are posts: the social contributor exports them (with their group).
    return { memberships, delegations };
  },
  async erase(trx, accountId) {
    const account = await trx
      .selectFrom("accounts")
      .select("username")
      .where("id", "=", accountId)
      .executeTakeFirst();
    await trx.deleteFrom("group_members").where("account_id", "=", accountId).execute();
    await trx.deleteFrom("coop_delegates").where("account_id", "=", accountId).execute();
    if (account) {
      // A delegate of this node's co-op: same origin as the co-op, /users/{username}.
      const suffix = memberUri("", account.username);
      const rows = await trx
        .selectFrom("group_delegates")
        .selectAll()
        .where("delegate_uri", "like", `%${suffix}`)
        .execute();
      for (const row of rows.filter(
        (r) =>
          r.delegate_uri.endsWith(suffix) &&
          r.coop_uri === coopUri(r.delegate_uri.slice(0, -suffix.length)),
      ))
        await trx
          .deleteFrom("group_delegates")
          .where("group_id", "=", row.group_id)
          .where("coop_uri", "=", row.coop_uri)
          .where("delegate_uri", "=", row.delegate_uri)
          .execute();
    }
    await trx
      .updateTable("groups")
      .set({ created_by: null })
      .where("created_by", "=", accountId)
      .execute();
  },
};
