/**
 * A member's notification policy (Mastodon 4.3's NotificationPolicy): for
 * notifications from accounts the member does not follow, that do not follow
 * them, that are new, that write private mentions, or that moderators limited,
 * "accept" shows them, and "filter" or "drop" leaves them out of the list.
 * (Mastodon keeps "filter"ed ones as requests for review; requests are not kept
 * here, so both leave them out.) Follows and follow requests are never held back.
 * Everything defaults to "accept".
 */
import type { ExpressionBuilder, Kysely } from "kysely";
import type { NotificationPolicyValue } from "../db/schema/social.ts";
import type { Schema } from "../db/schema.ts";

export const policyValues = ["accept", "filter", "drop"] as const;
export const policyKeys = [
  "for_not_following",
  "for_not_followers",
  "for_new_accounts",
  "for_private_mentions",
  "for_limited_accounts",
] as const;
export type PolicyKey = (typeof policyKeys)[number];
export type NotificationPolicy = Record<PolicyKey, NotificationPolicyValue>;

/** An account this young (days) is "new" for for_new_accounts (Mastodon: 30). */
export const NEW_ACCOUNT_DAYS = 30;

const defaults: NotificationPolicy = {
  for_not_following: "accept",
  for_not_followers: "accept",
  for_new_accounts: "accept",
  for_private_mentions: "accept",
  for_limited_accounts: "accept",
};

export async function notificationPolicy(
  db: Kysely<Schema>,
  accountId: string,
): Promise<NotificationPolicy> {
  const row = await db
    .selectFrom("notification_policies")
    .select(policyKeys)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return row ? { ...defaults, ...row } : { ...defaults };
}

export async function setNotificationPolicy(
  db: Kysely<Schema>,
  accountId: string,
  change: Partial<NotificationPolicy>,
): Promise<NotificationPolicy> {
  const next = { ...(await notificationPolicy(db, accountId)), ...change };
  await db
    .insertInto("notification_policies")
    .values({ account_id: accountId, ...next })
    .onConflict((oc) => oc.column("account_id").doUpdateSet(next))
    .execute();
  return next;
}

type NotificationsEb = ExpressionBuilder<Schema & { n: Schema["notifications"] }, "n">;

/** The notifications the policy lets through, as one condition on `notifications as n`. */
export const allowedBy =
  (policy: NotificationPolicy, memberUri: string, now: Date) => (eb: NotificationsEb) => {
    const held = (v: NotificationPolicyValue) => v !== "accept";
    /** The member follows the sender. */
    const memberFollows = () =>
      eb.exists(
        eb
          .selectFrom("follows as pf")
          .select("pf.id")
          .where("pf.status", "=", "accepted")
          .where("pf.follower_uri", "=", memberUri)
          .whereRef("pf.followee_uri", "=", "n.from_uri"),
      );
    /** The sender follows the member. */
    const followsMember = () =>
      eb.exists(
        eb
          .selectFrom("follows as pg")
          .select("pg.id")
          .where("pg.status", "=", "accepted")
          .whereRef("pg.follower_uri", "=", "n.from_uri")
          .where("pg.followee_uri", "=", memberUri),
      );
    const conditions = [];
    if (held(policy.for_not_following)) conditions.push(memberFollows());
    if (held(policy.for_not_followers)) conditions.push(followsMember());
    if (held(policy.for_limited_accounts))
      conditions.push(
        eb.not(
          eb.exists(
            eb
              .selectFrom("actor_limits as pl")
              .select("pl.level")
              .whereRef("pl.actor_uri", "=", "n.from_uri"),
          ),
        ),
      );
    if (held(policy.for_private_mentions))
      conditions.push(
        eb.or([
          eb("n.type", "not in", ["mention", "reply"]),
          eb.not(
            eb.exists(
              eb
                .selectFrom("posts as pp")
                .select("pp.id")
                .whereRef("pp.id", "=", "n.post_id")
                .where("pp.visibility", "=", "direct"),
            ),
          ),
          memberFollows(),
        ]),
      );
    if (held(policy.for_new_accounts)) {
      const since = new Date(now.getTime() - NEW_ACCOUNT_DAYS * 86400_000).toISOString();
      // A remote actor's age is when this node first saw it (its own creation date is not kept).
      conditions.push(
        eb.not(
          eb.or([
            eb.exists(
              eb
                .selectFrom("accounts as pa")
                .select("pa.id")
                .whereRef("pa.id", "=", "n.from_account_id")
                .where("pa.created_at", ">", since),
            ),
            eb.exists(
              eb
                .selectFrom("remote_actors as pr")
                .select("pr.id")
                .whereRef("pr.id", "=", "n.from_remote_id")
                .where("pr.created_at", ">", since),
            ),
          ]),
        ),
      );
    }
    if (conditions.length === 0) return eb.lit(true);
    return eb.or([eb("n.type", "in", ["follow", "follow_request"]), eb.and(conditions)]);
  };

/** Whether notices a member can act on (join requests, reports, applications) also come by mail. */
export async function noticeMail(db: Kysely<Schema>, accountId: string): Promise<boolean> {
  const row = await db
    .selectFrom("notification_policies")
    .select("mail_notices")
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return row ? row.mail_notices === 1 : true;
}

export async function setNoticeMail(
  db: Kysely<Schema>,
  accountId: string,
  on: boolean,
): Promise<void> {
  await db
    .insertInto("notification_policies")
    .values({ account_id: accountId, mail_notices: on ? 1 : 0 })
    .onConflict((oc) => oc.column("account_id").doUpdateSet({ mail_notices: on ? 1 : 0 }))
    .execute();
}
