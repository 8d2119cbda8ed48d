import { type Kysely, sql } from "kysely";

/**
 * The foundation: node settings, accounts (so the CLI can create the first admin),
 * invites, uploads, the outbox of events, and the tables behind Fedify's KvStore
 * and MessageQueue.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().defaultTo("member"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
    .addColumn("display_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("bio", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("language", "text", (c) => c.notNull().defaultTo("en"))
    .addColumn("avatar_id", "text")
    .addColumn("header_id", "text")
    .addColumn("fields", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("accounts_username")
    .on("accounts")
    .expression(sql`lower(username)`)
    .unique()
    .execute();
  await db.schema
    .createIndex("accounts_email")
    .on("accounts")
    .expression(sql`lower(email)`)
    .unique()
    .execute();

  await db.schema
    .createTable("invites")
    .addColumn("code", "text", (c) => c.primaryKey())
    .addColumn("created_by", "text", (c) => c.references("accounts.id").onDelete("set null"))
    .addColumn("max_uses", "integer")
    .addColumn("uses", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expires_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("uploads")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.references("accounts.id").onDelete("cascade"))
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("width", "integer", (c) => c.notNull())
    .addColumn("height", "integer", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("uploads_owner").on("uploads").column("owner_id").execute();

  await db.schema
    .createTable("kv")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("expires_at", "text")
    .execute();

  await db.schema
    .createTable("queue_messages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("queue", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("ordering_key", "text")
    .addColumn("available_at", "text", (c) => c.notNull())
    .addColumn("locked_until", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("queue_messages_ready")
    .on("queue_messages")
    .columns(["queue", "available_at"])
    .execute();

  await db.schema
    .createTable("outbox_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("relayed_at", "text")
    .execute();
  await db.schema
    .createIndex("outbox_events_pending")
    .on("outbox_events")
    .columns(["relayed_at", "id"])
    .execute();
}
