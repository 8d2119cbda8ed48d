import { openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { guard, parse } from "./args.ts";
import { configOrExit } from "./config.ts";

const help = `Usage: synco migrate

Applies every pending database migration (forward only) to SYNCO_DATABASE_URL.
"synco start" does this too; run it alone before starting several processes.`;

export async function run(args: string[]): Promise<number> {
  return guard(async () => {
    if (!parse(args, {}, help)) return 0;
    const config = configOrExit();
    const db = await openDatabase(config.databaseUrl);
    try {
      const applied = await migrateToLatest(db.db);
      console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Already up to date.");
      return 0;
    } finally {
      await db.close();
    }
  });
}
