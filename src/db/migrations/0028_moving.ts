import type { Kysely } from "kysely";

/**
 * Moving in and out (issue 25): a member's aliases (alsoKnownAs), moved actors
 * (movedTo, local and remote), and imports of Mastodon's CSV files with their rows.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("account_aliases")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("alias_uri", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("account_aliases_pk", ["account_id", "alias_uri"])
    .execute();
  await db.schema
    .createTable("actor_moves")
    .addColumn("actor_uri", "text", (c) => c.primaryKey())
    .addColumn("target_uri", "text", (c) => c.notNull())
    .addColumn("account_id", "text", (c) => c.references("accounts.id"))
    .addColumn("moved_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("imports")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("mode", "text", (c) => c.notNull())
    .addColumn("total_rows", "integer", (c) => c.notNull())
    .addColumn("done_rows", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("failed_rows", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("state", "text", (c) => c.notNull().defaultTo("queued"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("finished_at", "text")
    .execute();
  await db.schema
    .createIndex("imports_account")
    .on("imports")
    .columns(["account_id", "id"])
    .execute();
  await db.schema
    .createTable("import_rows")
    .addColumn("import_id", "text", (c) => c.notNull().references("imports.id"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("target", "text", (c) => c.notNull())
    .addColumn("list_title", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("state", "text", (c) => c.notNull().defaultTo("pending"))
    .addPrimaryKeyConstraint("import_rows_pk", ["import_id", "position"])
    .execute();
}
