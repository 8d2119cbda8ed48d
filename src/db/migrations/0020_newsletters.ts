import type { Kysely } from "kysely";

/**
 * Newsletters (issue 17): subscriptions by email to a member's blog or a group
 * (a publication), sends of a post to a list, and one delivery row per
 * recipient (its state makes sending resumable and at most once).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("newsletter_subscriptions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("list_kind", "text", (c) => c.notNull())
    .addColumn("list_id", "text", (c) => c.notNull())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("language", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("confirmed_at", "text")
    .addColumn("unsubscribed_at", "text")
    .addUniqueConstraint("newsletter_subscriptions_list_email", ["list_kind", "list_id", "email"])
    .execute();
  await db.schema
    .createIndex("newsletter_subscriptions_email")
    .on("newsletter_subscriptions")
    .column("email")
    .execute();
  await db.schema
    .createTable("newsletter_sends")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("post_id", "text", (c) => c.notNull())
    .addColumn("list_kind", "text", (c) => c.notNull())
    .addColumn("list_id", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("recipients", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    // A post goes to a list once.
    .addUniqueConstraint("newsletter_sends_once", ["post_id", "list_kind", "list_id"])
    .execute();
  await db.schema
    .createTable("newsletter_deliveries")
    .addColumn("send_id", "text", (c) => c.notNull())
    .addColumn("subscription_id", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("lease_until", "text")
    .addColumn("last_error", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("newsletter_deliveries_pk", ["send_id", "subscription_id"])
    .execute();
  // The sender's scan: the next queued row, oldest send first.
  await db.schema
    .createIndex("newsletter_deliveries_state")
    .on("newsletter_deliveries")
    .columns(["state", "send_id", "subscription_id"])
    .execute();
  // "Send as email when published": turned into a send once the article is out
  // (at once, or when the scheduler publishes it), then deleted.
  await db.schema
    .createTable("newsletter_article_intents")
    .addColumn("article_id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("list_kind", "text", (c) => c.notNull())
    .addColumn("list_id", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("newsletter_deliveries_subscription")
    .on("newsletter_deliveries")
    .column("subscription_id")
    .execute();
}
