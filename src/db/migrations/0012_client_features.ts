import type { Kysely } from "kysely";

/**
 * What Mastodon 4.3 apps keep on the server (see schema/social.ts): a media
 * attachment's focal point, followed hashtags, keyword filters (filters v2 with
 * their keywords and statuses), and a member's notification policy.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // "x,y", each in [-1, 1] (Mastodon's focus), or null for the centre.
  await db.schema.alterTable("uploads").addColumn("focus", "text").execute();
  await db.schema.alterTable("post_media").addColumn("focus", "text").execute();

  await db.schema
    .createTable("followed_tags")
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("tag", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("followed_tags_pk", ["account_id", "tag"])
    .execute();
  // Fan-out looks members up by tag.
  await db.schema.createIndex("followed_tags_tag").on("followed_tags").columns(["tag"]).execute();

  await db.schema
    .createTable("keyword_filters")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("title", "text", (c) => c.notNull())
    // JSON array of home, notifications, public, thread, account.
    .addColumn("context", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("expires_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("keyword_filters_account")
    .on("keyword_filters")
    .columns(["account_id"])
    .execute();
  await db.schema
    .createTable("filter_keywords")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("filter_id", "text", (c) =>
      c.notNull().references("keyword_filters.id").onDelete("cascade"),
    )
    .addColumn("keyword", "text", (c) => c.notNull())
    .addColumn("whole_word", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex("filter_keywords_filter")
    .on("filter_keywords")
    .columns(["filter_id"])
    .execute();
  await db.schema
    .createTable("filter_statuses")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("filter_id", "text", (c) =>
      c.notNull().references("keyword_filters.id").onDelete("cascade"),
    )
    .addColumn("post_id", "text", (c) => c.notNull())
    .addUniqueConstraint("filter_statuses_unique", ["filter_id", "post_id"])
    .execute();

  await db.schema
    .createTable("notification_policies")
    .addColumn("account_id", "text", (c) =>
      c.primaryKey().references("accounts.id").onDelete("cascade"),
    )
    // accept, filter or drop (Mastodon 4.3's NotificationPolicy).
    .addColumn("for_not_following", "text", (c) => c.notNull().defaultTo("accept"))
    .addColumn("for_not_followers", "text", (c) => c.notNull().defaultTo("accept"))
    .addColumn("for_new_accounts", "text", (c) => c.notNull().defaultTo("accept"))
    .addColumn("for_private_mentions", "text", (c) => c.notNull().defaultTo("accept"))
    .addColumn("for_limited_accounts", "text", (c) => c.notNull().defaultTo("accept"))
    .execute();
}
