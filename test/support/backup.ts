/**
 * Backup and restore as README.md tells an operator to do them: SQLite with
 * `synco backup` while the node runs, PostgreSQL with pg_dump / pg_restore; the
 * data dir's media copied beside it. Returns a node started on the copy.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNode, type SyncoNode } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { freshDatabaseUrl, onPostgres } from "./db.ts";
import type { TestNode } from "./node.ts";

const cli = join(import.meta.dirname, "..", "..", "bin", "synco.ts");

export async function restoredCopy(original: TestNode): Promise<SyncoNode> {
  const { config } = original.node;
  const copyDir = mkdtempSync(join(tmpdir(), "synco-restore-"));
  let databaseUrl: string;
  if (onPostgres) {
    const dump = join(copyDir, "synco.dump");
    execFileSync("pg_dump", ["--format=custom", `--file=${dump}`, config.databaseUrl]);
    databaseUrl = await freshDatabaseUrl();
    // The fresh database is already migrated (a clone of the template): --clean replaces it.
    execFileSync("pg_restore", [
      "--clean",
      "--if-exists",
      "--no-owner",
      `--dbname=${databaseUrl}`,
      dump,
    ]);
  } else {
    const file = join(copyDir, "synco.db");
    const r = spawnSync(process.execPath, [cli, "backup", file], {
      env: {
        ...process.env,
        SYNCO_DATA_DIR: config.dataDir,
        SYNCO_DATABASE_URL: config.databaseUrl,
      },
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    databaseUrl = `sqlite:${file}`;
  }
  cpSync(join(config.dataDir, "media"), join(copyDir, "media"), { recursive: true });
  return createNode(
    loadConfig({
      SYNCO_DOMAIN: original.domain,
      SYNCO_DATA_DIR: copyDir,
      SYNCO_DATABASE_URL: databaseUrl,
      SYNCO_SECRET: config.secret,
      SYNCO_LOG_LEVEL: "error",
    }),
  );
}
