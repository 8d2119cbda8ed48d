import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * The marketplace's search (economy/market/search.ts, bench/economy-market.bench.ts):
 * pages are newest first by id among open proposals, so (status, id) lets a
 * browse walk the index backwards and stop after a page instead of sorting
 * every open row; (status, category, id) does the same within a category; and
 * (status, latitude, longitude) answers the bounding box of a distance search
 * with a range on latitude, longitude checked in the index.
 *
 * Words (search.ts matches lower(name || ' ' || category || ' ' || note) with
 * LIKE '%word%'): on PostgreSQL a trigram GIN index on that expression (pg_trgm,
 * shipped with PostgreSQL's contrib; creating it needs the right to create an
 * extension) answers a rare word without reading every open row. SQLite scans
 * (docs/economy.md, Gaps).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("econ_proposals_newest")
    .on("econ_proposals")
    .columns(["status", "id"])
    .execute();
  await db.schema
    .createIndex("econ_proposals_category_newest")
    .on("econ_proposals")
    .columns(["status", "category", "id"])
    .execute();
  await db.schema
    .createIndex("econ_proposals_place")
    .on("econ_proposals")
    .columns(["status", "latitude", "longitude"])
    .execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
    await sql`CREATE INDEX econ_proposals_words ON econ_proposals
      USING gin (lower(name || ' ' || category || ' ' || note) gin_trgm_ops)`.execute(db);
  }
}
