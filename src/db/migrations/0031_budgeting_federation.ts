import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * Federated participatory budgeting (issue 19, docs/budgeting.md "Federated
 * budgeting"). A process hosted elsewhere is copied here (pb_processes.local = 0
 * with its districts, categories and projects); districts and categories get
 * the `uri` the host names them by (null for our own). On a member co-op's node,
 * `pb_relayed_ballots` remembers which of its members' ballots went to the host
 * and what they said (a digest), so a change goes as Update and a withdrawal as
 * Delete; on the host, `pb_received_ballots` maps a relayed Ballot's id to
 * whom it counts for. Neither has timestamps, and both are WITHOUT ROWID on
 * SQLite, so the order of arrival is not kept next to a secret ballot.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("pb_districts").addColumn("uri", "text").execute();
  await db.schema.alterTable("pb_categories").addColumn("uri", "text").execute();
  await db.schema
    .createIndex("pb_districts_uri")
    .on("pb_districts")
    .columns(["process_id", "uri"])
    .execute();
  await db.schema
    .createIndex("pb_categories_uri")
    .on("pb_categories")
    .columns(["process_id", "uri"])
    .execute();

  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const withoutRowid = postgres ? sql`` : sql` WITHOUT ROWID`;
  // ballot_id: the pb_ballots id (named) or pb_secret_ballots id (secret) of a
  // ballot cast here in a copy; it is also the id in the Ballot's URI.
  await sql`CREATE TABLE pb_relayed_ballots (
    ballot_id text PRIMARY KEY,
    process_id text NOT NULL REFERENCES pb_processes(id) ON DELETE CASCADE,
    district_id text NOT NULL,
    secret integer NOT NULL,
    digest text NOT NULL
  )${withoutRowid}`.execute(db);
  // voter_uri: whom castBallot counted it for (the named member, or the Ballot's
  // own id for a secret ballot); receipt: what castBallot returned for a secret
  // ballot, to change or withdraw it when the co-op says so ("" when named).
  await sql`CREATE TABLE pb_received_ballots (
    uri text PRIMARY KEY,
    process_id text NOT NULL REFERENCES pb_processes(id) ON DELETE CASCADE,
    district_id text NOT NULL,
    coop_uri text NOT NULL,
    voter_uri text NOT NULL,
    receipt text NOT NULL
  )${withoutRowid}`.execute(db);
  await db.schema
    .createIndex("pb_relayed_ballots_process")
    .on("pb_relayed_ballots")
    .columns(["process_id", "district_id"])
    .execute();
  await db.schema
    .createIndex("pb_received_ballots_process")
    .on("pb_received_ballots")
    .columns(["process_id"])
    .execute();
}
