import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { openDatabase } from "../../src/db/database.ts";
import { guard, parse, UsageError } from "./args.ts";
import { configOrExit } from "./config.ts";

const help = `Usage: synco backup FILE

Writes a consistent copy of the node's SQLite database to FILE while the node
keeps running (SQLite's online backup). Keep FILE together with a copy of the
data dir's media/ folder and its secret file: together they are the whole node.
To restore: stop the node, put FILE back as the database file, start the node.

On PostgreSQL, use pg_dump instead:
  pg_dump --format=custom --file=FILE "$SYNCO_DATABASE_URL"
and restore with pg_restore --clean --dbname="$SYNCO_DATABASE_URL" FILE.`;

export async function run(args: string[]): Promise<number> {
  return guard(async () => {
    const parsed = parse(args, {}, help);
    if (!parsed) return 0;
    const file = parsed.positionals[0];
    if (!file) throw new UsageError(`synco backup: FILE is required\n\n${help}`);
    const target = resolve(file);
    if (existsSync(target))
      throw new UsageError(`synco backup: ${target} already exists; choose a new file`);
    if (!existsSync(dirname(target)))
      throw new UsageError(
        `synco backup: the folder ${dirname(target)} does not exist; create it first`,
      );
    const config = configOrExit();
    if (!config.databaseUrl.startsWith("sqlite:")) {
      console.error(
        `synco backup: the database is PostgreSQL.\n\n${help.split("\n\n").slice(2).join("\n\n")}`,
      );
      return 1;
    }
    const db = await openDatabase(config.databaseUrl);
    try {
      await db.backupTo(target);
      console.log(`Backed up ${config.databaseUrl.slice(7)} to ${target}`);
      return 0;
    } finally {
      await db.close();
    }
  });
}
