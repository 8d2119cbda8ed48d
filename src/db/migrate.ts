/**
 * Forward-only migrations. Each file in migrations/ exports `up`; they run in
 * name order inside Kysely's Migrator, which records what ran and takes a lock
 * so two processes starting at once do not both migrate.
 */
import {
  DEFAULT_MIGRATION_TABLE,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
} from "kysely";
import { migrationNames } from "./migrations/names.ts";

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    // Imported here, not at the top: a restart of a current database never needs them.
    return (await import("./migrations/index.ts")).migrations;
  }
}

/**
 * True when the database has recorded exactly the migrations this build knows (a
 * restart, the usual case). Anything else — no table yet, one missing, one this build
 * does not know (a newer build ran here) — is left to the Migrator, which migrates or
 * reports it as before. The Migrator records a migration in the transaction that runs
 * it, so a recorded name is a finished migration.
 */
export async function isCurrent(db: Kysely<any>): Promise<boolean> {
  let recorded: string[];
  try {
    const rows = await db.selectFrom(DEFAULT_MIGRATION_TABLE).select("name").execute();
    recorded = rows.map((r) => String(r.name));
  } catch {
    return false; // a new database: no migrations table yet
  }
  if (recorded.length !== migrationNames.length) return false;
  const known = new Set(migrationNames);
  return recorded.every((name) => known.has(name));
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  if (await isCurrent(db)) return [];
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Runs the migrations up to and including `name` (to build an older database, in tests). */
export async function migrateUpTo(db: Kysely<any>, name: string): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error;
}
