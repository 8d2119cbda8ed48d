/**
 * Newsletters' part of a member's export and of account deletion: the
 * subscriptions of the member's address, and their own blog's list (its counts
 * and sends — never the subscribers' addresses, which are other people's data).
 * Deleting the member erases their list with its subscribers and deliveries, and
 * their address's subscriptions elsewhere.
 */
import type { AccountDataContributor } from "../../accounts/data.ts";

export const newslettersContributor: AccountDataContributor = {
  name: "newsletters",
  async export(db, accountId) {
    const account = await db
      .selectFrom("accounts")
      .select("email")
      .where("id", "=", accountId)
      .executeTakeFirst();
    const subscriptions = account
      ? await db
          .selectFrom("newsletter_subscriptions")
          .select([
            "list_kind",
            "list_id",
            "status",
            "created_at",
            "confirmed_at",
            "unsubscribed_at",
          ])
          .where("email", "=", account.email.toLowerCase())
          .orderBy("id")
          .execute()
      : [];
    const subscribers = await db
      .selectFrom("newsletter_subscriptions")
      .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
      .where("list_kind", "=", "member")
      .where("list_id", "=", accountId)
      .groupBy("status")
      .execute();
    const sends = await db
      .selectFrom("newsletter_sends")
      .select(["post_id", "list_kind", "list_id", "recipients", "created_at"])
      .where("account_id", "=", accountId)
      .orderBy("id")
      .execute();
    return {
      subscriptions,
      own_list: Object.fromEntries(subscribers.map((r) => [r.status, Number(r.n)])),
      sends,
    };
  },
  async erase(trx, accountId) {
    const account = await trx
      .selectFrom("accounts")
      .select("email")
      .where("id", "=", accountId)
      .executeTakeFirst();
    const own = trx
      .selectFrom("newsletter_subscriptions")
      .select("id")
      .where("list_kind", "=", "member")
      .where("list_id", "=", accountId);
    const mine = trx
      .selectFrom("newsletter_subscriptions")
      .select("id")
      .where("email", "=", (account?.email ?? "").toLowerCase());
    await trx
      .deleteFrom("newsletter_article_intents")
      .where("account_id", "=", accountId)
      .execute();
    await trx.deleteFrom("newsletter_deliveries").where("subscription_id", "in", own).execute();
    await trx.deleteFrom("newsletter_deliveries").where("subscription_id", "in", mine).execute();
    await trx
      .deleteFrom("newsletter_sends")
      .where("list_kind", "=", "member")
      .where("list_id", "=", accountId)
      .execute();
    await trx
      .deleteFrom("newsletter_subscriptions")
      .where("list_kind", "=", "member")
      .where("list_id", "=", accountId)
      .execute();
    if (account)
      await trx
        .deleteFrom("newsletter_subscriptions")
        .where("email", "=", account.email.toLowerCase())
        .execute();
  },
};
