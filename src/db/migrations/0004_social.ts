import type { Kysely } from "kysely";

/**
 * The social network (see schema/social.ts). Indexes follow the queries: the home
 * feed reads home_entries by (account_id, post_id) — ids are time-ordered UUIDv7s,
 * so the primary key is the feed's order; profiles read posts by (author_uri, id);
 * the public timelines by (visibility, local, id) and (visibility, id).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("posts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("url", "text")
    .addColumn("author_uri", "text", (c) => c.notNull())
    .addColumn("author_account_id", "text", (c) => c.references("accounts.id"))
    .addColumn("author_remote_id", "text", (c) =>
      c.references("remote_actors.id").onDelete("cascade"),
    )
    .addColumn("local", "integer", (c) => c.notNull())
    .addColumn("visibility", "text", (c) => c.notNull())
    .addColumn("in_reply_to_id", "text")
    .addColumn("in_reply_to_uri", "text")
    .addColumn("thread_id", "text", (c) => c.notNull())
    .addColumn("reblog_of_id", "text")
    .addColumn("source", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("content_html", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("spoiler", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("sensitive", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("language", "text")
    .addColumn("has_poll", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("replies_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("reblogs_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("likes_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("edited_at", "text")
    .addColumn("deleted_at", "text")
    .execute();
  const index = (name: string, table: string, columns: string[], unique = false) => {
    let q = db.schema.createIndex(name).on(table).columns(columns);
    if (unique) q = q.unique();
    return q.execute();
  };
  await index("posts_author", "posts", ["author_uri", "id"]);
  await index("posts_author_account", "posts", ["author_account_id", "id"]);
  await index("posts_thread", "posts", ["thread_id", "id"]);
  await index("posts_reply_uri", "posts", ["in_reply_to_uri"]);
  await index("posts_reblog", "posts", ["reblog_of_id", "author_uri"]);
  await index("posts_public_local", "posts", ["visibility", "local", "id"]);
  await index("posts_public", "posts", ["visibility", "id"]);

  await db.schema
    .createTable("post_mentions")
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("actor_uri", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("remote_id", "text")
    .addColumn("handle", "text", (c) => c.notNull())
    .addColumn("silent", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("post_mentions_pk", ["post_id", "actor_uri"])
    .execute();
  await index("post_mentions_account", "post_mentions", ["account_id"]);

  await db.schema
    .createTable("post_tags")
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("tag", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("post_tags_pk", ["tag", "post_id"])
    .execute();
  await index("post_tags_post", "post_tags", ["post_id"]);

  await db.schema
    .createTable("post_media")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("upload_id", "text")
    .addColumn("remote_url", "text")
    .addColumn("media_type", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("width", "integer")
    .addColumn("height", "integer")
    .execute();
  await index("post_media_post", "post_media", ["post_id", "position"]);

  await db.schema
    .createTable("polls")
    .addColumn("post_id", "text", (c) => c.primaryKey().references("posts.id").onDelete("cascade"))
    .addColumn("multiple", "integer", (c) => c.notNull())
    .addColumn("options", "text", (c) => c.notNull())
    .addColumn("voters_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expires_at", "text")
    .addColumn("closed_at", "text")
    .addColumn("ended_notified", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await index("polls_expiry", "polls", ["ended_notified", "expires_at"]);

  await db.schema
    .createTable("poll_votes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("choice", "integer", (c) => c.notNull())
    .addColumn("voter_uri", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("remote_id", "text")
    .addColumn("uri", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await index("poll_votes_unique", "poll_votes", ["post_id", "voter_uri", "choice"], true);
  await index("poll_votes_account", "poll_votes", ["account_id"]);

  await db.schema
    .createTable("likes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("actor_uri", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("remote_id", "text")
    .addColumn("uri", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await index("likes_unique", "likes", ["post_id", "actor_uri"], true);
  await index("likes_uri", "likes", ["uri"]);
  await index("likes_account", "likes", ["account_id"]);

  for (const table of ["bookmarks", "pins"]) {
    await db.schema
      .createTable(table)
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ["account_id", "post_id"])
      .execute();
  }

  await db.schema
    .createTable("home_entries")
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("home_entries_pk", ["account_id", "post_id"])
    .execute();
  await index("home_entries_post", "home_entries", ["post_id"]);

  await db.schema
    .createTable("notifications")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("from_uri", "text", (c) => c.notNull())
    .addColumn("from_account_id", "text")
    .addColumn("from_remote_id", "text")
    .addColumn("post_id", "text", (c) => c.references("posts.id").onDelete("cascade"))
    .addColumn("read", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await index("notifications_account", "notifications", ["account_id", "id"]);

  await db.schema
    .createTable("actor_filters")
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("target_uri", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("actor_filters_pk", ["account_id", "kind", "target_uri"])
    .execute();
  await index("actor_filters_target", "actor_filters", ["target_uri"]);

  await db.schema
    .createTable("reports")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("reporter_account_id", "text")
    .addColumn("reporter_uri", "text", (c) => c.notNull())
    .addColumn("target_uri", "text", (c) => c.notNull())
    .addColumn("post_ids", "text", (c) => c.notNull())
    .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("open"))
    .addColumn("forwarded", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("uri", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("resolved_at", "text")
    .addColumn("resolved_by", "text")
    .execute();
  await index("reports_status", "reports", ["status", "id"]);

  await db.schema
    .createTable("actor_limits")
    .addColumn("actor_uri", "text", (c) => c.primaryKey())
    .addColumn("level", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("domain_policies")
    .addColumn("domain", "text", (c) => c.primaryKey())
    .addColumn("policy", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("moderation_log")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("moderator_id", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
}
