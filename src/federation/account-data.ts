/**
 * The federation area's part of a member's data (see accounts/data.ts): the
 * export lists whom they follow and who follows them. Erasing leaves the follows
 * in place on purpose: the Delete(Person) that the relay sends after the deletion
 * commits goes to those followers and followees, and the relay removes the rows
 * once that Delete is queued (relay.ts).
 */
import type { AccountDataContributor } from "../accounts/data.ts";

export const federationContributor: AccountDataContributor = {
  name: "federation",
  async export(db, accountId) {
    const following = await db
      .selectFrom("follows")
      .select(["followee_uri as uri", "status", "created_at"])
      .where("follower_account_id", "=", accountId)
      .orderBy("id")
      .execute();
    const followers = await db
      .selectFrom("follows")
      .select(["follower_uri as uri", "status", "created_at"])
      .where("followee_account_id", "=", accountId)
      .orderBy("id")
      .execute();
    const policy = await db
      .selectFrom("follow_policies")
      .select("manually_approves")
      .where("account_id", "=", accountId)
      .executeTakeFirst();
    return { following, followers, manuallyApprovesFollowers: policy?.manually_approves === 1 };
  },
  async erase(trx, accountId) {
    await trx.deleteFrom("follow_policies").where("account_id", "=", accountId).execute();
  },
};
