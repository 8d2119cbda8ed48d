import type { Kysely } from "kysely";

/** The federation core: actor keys, cached remote actors, follows and follow policies. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("federation_keys")
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("algorithm", "text", (c) => c.notNull())
    .addColumn("public_jwk", "text", (c) => c.notNull())
    .addColumn("private_jwk", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("federation_keys_pk", ["owner", "algorithm"])
    .execute();

  await db.schema
    .createTable("remote_actors")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("handle", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("host", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("summary", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("url", "text")
    .addColumn("avatar_url", "text")
    .addColumn("inbox_url", "text", (c) => c.notNull())
    .addColumn("shared_inbox_url", "text")
    .addColumn("followers_url", "text")
    .addColumn("following_url", "text")
    .addColumn("manually_approves", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("gone", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("fetched_at", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("remote_actors_handle")
    .on("remote_actors")
    .column("handle")
    .execute();

  await db.schema
    .createTable("follows")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("follower_uri", "text", (c) => c.notNull())
    .addColumn("followee_uri", "text", (c) => c.notNull())
    .addColumn("follower_account_id", "text", (c) => c.references("accounts.id"))
    .addColumn("follower_remote_id", "text", (c) =>
      c.references("remote_actors.id").onDelete("cascade"),
    )
    .addColumn("followee_account_id", "text", (c) => c.references("accounts.id"))
    .addColumn("followee_remote_id", "text", (c) =>
      c.references("remote_actors.id").onDelete("cascade"),
    )
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("activity_uri", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("accepted_at", "text")
    .execute();
  await db.schema
    .createIndex("follows_pair")
    .on("follows")
    .columns(["follower_uri", "followee_uri"])
    .unique()
    .execute();
  await db.schema
    .createIndex("follows_followee")
    .on("follows")
    .columns(["followee_uri", "status", "id"])
    .execute();
  await db.schema
    .createIndex("follows_followee_account")
    .on("follows")
    .columns(["followee_account_id", "status", "id"])
    .execute();
  await db.schema
    .createIndex("follows_follower_account")
    .on("follows")
    .columns(["follower_account_id", "status", "id"])
    .execute();
  await db.schema.createIndex("follows_activity").on("follows").column("activity_uri").execute();

  await db.schema
    .createTable("follow_policies")
    .addColumn("account_id", "text", (c) => c.primaryKey().references("accounts.id"))
    .addColumn("manually_approves", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  // The queue's claim orders by (available_at, id); without id in the index, a fan-out's
  // thousands of messages (one available_at) are sorted on every claim.
  await db.schema
    .createIndex("queue_messages_claim")
    .on("queue_messages")
    .columns(["queue", "available_at", "id"])
    .execute();
}
