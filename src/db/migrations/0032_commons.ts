import type { Kysely } from "kysely";

/** The data commons (issue 22; tables in db/schema/commons.ts). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("commons_datasets")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("local", "integer", (c) => c.notNull())
    .addColumn("group_id", "text", (c) => c.references("groups.id").onDelete("cascade"))
    .addColumn("group_uri", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("fields", "text", (c) => c.notNull())
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("budget_rho", "double precision", (c) => c.notNull())
    .addColumn("default_rho", "double precision", (c) => c.notNull())
    .addColumn("max_rows_per_unit", "integer", (c) => c.notNull())
    .addColumn("max_rows_per_member", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_by_uri", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("commons_datasets_group")
    .on("commons_datasets")
    .columns(["group_uri", "id"])
    .execute();

  let rows = db.schema
    .createTable("commons_rows")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("dataset_id", "text", (c) =>
      c.notNull().references("commons_datasets.id").onDelete("cascade"),
    )
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("unit_key", "text", (c) => c.notNull())
    .addColumn("consent_id", "text", (c) => c.notNull());
  for (let i = 0; i < 8; i++) rows = rows.addColumn(`f${i}`, "text");
  await rows
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("withdrawn_at", "text")
    .addColumn("excluded_from", "text")
    .execute();
  // A query reads a dataset's rows in id order (contribution bounding keeps each unit's first).
  await db.schema
    .createIndex("commons_rows_dataset")
    .on("commons_rows")
    .columns(["dataset_id", "id"])
    .execute();
  await db.schema
    .createIndex("commons_rows_account")
    .on("commons_rows")
    .columns(["account_id", "dataset_id"])
    .execute();

  await db.schema
    .createTable("commons_consents")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("dataset_id", "text", (c) =>
      c.notNull().references("commons_datasets.id").onDelete("cascade"),
    )
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("rows", "integer", (c) => c.notNull())
    .addColumn("effective_period", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("commons_consents_account")
    .on("commons_consents")
    .columns(["account_id", "id"])
    .execute();

  await db.schema
    .createTable("commons_ledger")
    .addColumn("dataset_id", "text", (c) =>
      c.notNull().references("commons_datasets.id").onDelete("cascade"),
    )
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("budget_rho", "double precision", (c) => c.notNull())
    .addColumn("spent_rho", "double precision", (c) => c.notNull())
    .addColumn("releases", "integer", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("commons_ledger_pk", ["dataset_id", "period"])
    .execute();

  await db.schema
    .createTable("commons_releases")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("dataset_id", "text", (c) =>
      c.notNull().references("commons_datasets.id").onDelete("cascade"),
    )
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("query_hash", "text", (c) => c.notNull())
    .addColumn("rho", "double precision", (c) => c.notNull())
    .addColumn("epsilon", "double precision", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("signature", "text", (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("created_by_uri", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("commons_releases_query", ["dataset_id", "period", "query_hash"])
    .execute();
  await db.schema
    .createIndex("commons_releases_dataset")
    .on("commons_releases")
    .columns(["dataset_id", "id"])
    .execute();

  await db.schema
    .createTable("commons_reports")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("dataset_id", "text", (c) =>
      c.notNull().references("commons_datasets.id").onDelete("cascade"),
    )
    .addColumn("reporter_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("settled_by", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("settled_at", "text")
    .execute();
  await db.schema
    .createIndex("commons_reports_dataset")
    .on("commons_reports")
    .columns(["dataset_id", "status"])
    .execute();
}
