/**
 * A fresh, migrated database for one test file: SQLite in a temporary directory,
 * or, when TEST_DATABASE_URL is set, a PostgreSQL clone of the run's template.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Db, openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { cloneTemplate, createEmpty, createTemplate } from "./postgres.ts";

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** A database URL for a new node in a test (each call gets its own database). */
export async function freshDatabaseUrl(): Promise<string> {
  const pgUrl = process.env.TEST_DATABASE_URL;
  if (!pgUrl) return `sqlite:${join(mkdtempSync(join(tmpdir(), "synco-test-")), "synco.db")}`;
  // Running one file directly (not through npm test) has no template yet: make one.
  process.env.SYNCO_TEST_PG_TEMPLATE ??= await createTemplate(pgUrl);
  return cloneTemplate(pgUrl, process.env.SYNCO_TEST_PG_TEMPLATE);
}

/** An empty database (no migrations run), to build an older schema in a migration test. */
export async function emptyDatabaseUrl(): Promise<string> {
  const pgUrl = process.env.TEST_DATABASE_URL;
  if (!pgUrl) return freshDatabaseUrl();
  process.env.SYNCO_TEST_PG_TEMPLATE ??= await createTemplate(pgUrl);
  return createEmpty(pgUrl, process.env.SYNCO_TEST_PG_TEMPLATE);
}

export async function testDatabase(): Promise<Db> {
  const handle = await openDatabase(await freshDatabaseUrl(), { poolSize: 4 });
  await migrateToLatest(handle.db);
  return handle;
}
