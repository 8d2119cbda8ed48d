/**
 * A start skips importing the migration modules when the database already records
 * exactly this build's migrations (src/db/migrate.ts, issue 24). These check that the
 * shortcut is taken only then: a new database, one behind, or one a newer build
 * migrated still go through Kysely's Migrator, which migrates or refuses as before.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_MIGRATION_TABLE } from "kysely";
import { openDatabase } from "../src/db/database.ts";
import { isCurrent, migrateToLatest, migrateUpTo } from "../src/db/migrate.ts";
import { migrations } from "../src/db/migrations/index.ts";
import { migrationNames } from "../src/db/migrations/names.ts";
import { emptyDatabaseUrl } from "./support/db.ts";

test("the list of names and the migration modules name the same migrations, in order", () => {
  assert.deepEqual([...migrationNames], Object.keys(migrations).sort());
  assert.deepEqual([...migrationNames], [...migrationNames].sort());
});

test("only a database with exactly this build's migrations counts as current", async () => {
  const handle = await openDatabase(await emptyDatabaseUrl(), { poolSize: 2 });
  try {
    assert.equal(await isCurrent(handle.db), false, "no migrations table yet");
    const last = migrationNames.at(-1) ?? "";
    await migrateUpTo(handle.db, migrationNames.at(-2) ?? "");
    assert.equal(await isCurrent(handle.db), false, "one migration behind");
    assert.deepEqual(await migrateToLatest(handle.db), [last], "the missing one runs");
    assert.equal(await isCurrent(handle.db), true);
    assert.deepEqual(await migrateToLatest(handle.db), []);

    // A newer build migrated this database: the Migrator refuses, as it did before.
    await handle.db
      .insertInto(DEFAULT_MIGRATION_TABLE as never)
      .values({ name: "9999_from_a_newer_build", timestamp: new Date().toISOString() } as never)
      .execute();
    assert.equal(await isCurrent(handle.db), false);
    await assert.rejects(migrateToLatest(handle.db), /9999_from_a_newer_build/);
  } finally {
    await handle.close();
  }
});
