import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * Participatory budgeting processes (issue 19; tables in db/schema/budgeting.ts).
 * Secret ballots follow 0017_decisions: who voted and what was chosen live in two
 * tables with no column to join them, WITHOUT ROWID on SQLite so rows sit in key
 * order rather than arrival order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("pb_processes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("local", "integer", (c) => c.notNull())
    .addColumn("group_id", "text", (c) => c.references("groups.id").onDelete("cascade"))
    .addColumn("group_uri", "text", (c) => c.notNull())
    .addColumn("created_by_uri", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("rule", "text", (c) => c.notNull())
    .addColumn("ballot_kind", "text", (c) => c.notNull())
    .addColumn("secrecy", "text", (c) => c.notNull())
    .addColumn("min_projects", "integer")
    .addColumn("max_projects", "integer")
    .addColumn("spending_cap", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("points", "integer")
    .addColumn("eligibility", "text", (c) => c.notNull())
    .addColumn("phase", "text", (c) => c.notNull())
    .addColumn("proposing_ends_at", "text")
    .addColumn("review_ends_at", "text")
    .addColumn("voting_ends_at", "text")
    .addColumn("phase_changed_at", "text", (c) => c.notNull())
    .addColumn("seed", "text", (c) => c.notNull())
    .addColumn("imported", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("pb_processes_group")
    .on("pb_processes")
    .columns(["group_uri", "id"])
    .execute();
  // The phase sweep's scan.
  await db.schema
    .createIndex("pb_processes_phase")
    .on("pb_processes")
    .columns(["phase", "local"])
    .execute();

  await db.schema
    .createTable("pb_districts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("process_id", "text", (c) =>
      c.notNull().references("pb_processes.id").onDelete("cascade"),
    )
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("budget", "bigint", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("pb_districts_process")
    .on("pb_districts")
    .columns(["process_id", "position"])
    .execute();

  await db.schema
    .createTable("pb_categories")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("process_id", "text", (c) =>
      c.notNull().references("pb_processes.id").onDelete("cascade"),
    )
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("pb_categories_process")
    .on("pb_categories")
    .columns(["process_id", "position"])
    .execute();

  await db.schema
    .createTable("pb_projects")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("process_id", "text", (c) =>
      c.notNull().references("pb_processes.id").onDelete("cascade"),
    )
    .addColumn("district_id", "text", (c) =>
      c.notNull().references("pb_districts.id").onDelete("cascade"),
    )
    .addColumn("category_id", "text", (c) => c.references("pb_categories.id").onDelete("set null"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("cost", "bigint", (c) => c.notNull())
    .addColumn("location", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("latitude", "double precision")
    .addColumn("longitude", "double precision")
    .addColumn("images", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("proposed_by_uri", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("review_note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("reviewed_by_uri", "text")
    .addColumn("reviewed_at", "text")
    .addColumn("merged_into_id", "text")
    .addColumn("progress", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("pb_projects_process")
    .on("pb_projects")
    .columns(["process_id", "district_id", "status"])
    .execute();
  await db.schema
    .createIndex("pb_projects_account")
    .on("pb_projects")
    .columns(["account_id"])
    .execute();

  await db.schema
    .createTable("pb_ballots")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("process_id", "text", (c) =>
      c.notNull().references("pb_processes.id").onDelete("cascade"),
    )
    .addColumn("district_id", "text", (c) =>
      c.notNull().references("pb_districts.id").onDelete("cascade"),
    )
    .addColumn("voter_uri", "text", (c) => c.notNull())
    .addColumn("cast_by_uri", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("choices", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("pb_ballots_one_each", ["process_id", "district_id", "voter_uri"])
    .execute();
  await db.schema
    .createIndex("pb_ballots_account")
    .on("pb_ballots")
    .columns(["account_id"])
    .execute();

  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const withoutRowid = postgres ? sql`` : sql` WITHOUT ROWID`;
  await sql`CREATE TABLE pb_voters (
    process_id text NOT NULL REFERENCES pb_processes(id) ON DELETE CASCADE,
    district_id text NOT NULL,
    voter_uri text NOT NULL,
    cast_by_uri text NOT NULL,
    PRIMARY KEY (process_id, district_id, voter_uri)
  )${withoutRowid}`.execute(db);
  await sql`CREATE TABLE pb_secret_ballots (
    process_id text NOT NULL REFERENCES pb_processes(id) ON DELETE CASCADE,
    district_id text NOT NULL,
    id text NOT NULL,
    choices text NOT NULL,
    receipt_hash text NOT NULL UNIQUE,
    PRIMARY KEY (process_id, district_id, id)
  )${withoutRowid}`.execute(db);

  await db.schema
    .createTable("pb_progress_updates")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) =>
      c.notNull().references("pb_projects.id").onDelete("cascade"),
    )
    .addColumn("author_uri", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("progress", "integer", (c) => c.notNull())
    .addColumn("images", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("pb_progress_updates_project")
    .on("pb_progress_updates")
    .columns(["project_id", "created_at"])
    .execute();

  await db.schema
    .createTable("pb_results")
    .addColumn("process_id", "text", (c) =>
      c.notNull().references("pb_processes.id").onDelete("cascade"),
    )
    .addColumn("district_id", "text", (c) =>
      c.notNull().references("pb_districts.id").onDelete("cascade"),
    )
    .addColumn("result", "text", (c) => c.notNull())
    .addColumn("greedy", "text", (c) => c.notNull())
    .addColumn("ballots_count", "integer", (c) => c.notNull())
    .addColumn("computed_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("pb_results_pk", ["process_id", "district_id"])
    .execute();
}
