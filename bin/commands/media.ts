import { openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { systemClock } from "../../src/kernel/clock.ts";
import { pruneRemoteMedia } from "../../src/storage/remote-media.ts";
import { guard, parse, UsageError } from "./args.ts";
import { configOrExit } from "./config.ts";

const help = `Usage: synco media prune [--max-mb N] [--max-age-days D]

Prunes the cache of other servers' media (attachments, avatars, headers): first
what nobody viewed for D days, then the least recently viewed until the cache
holds at most N MB. Defaults: SYNCO_REMOTE_MEDIA_MAX_MB and
SYNCO_REMOTE_MEDIA_MAX_AGE_DAYS. A pruned file is fetched again when someone
next views it. The worker prunes on its own every few minutes; this is for
making room now (e.g. --max-mb 0 empties the cache). Members' uploads are
never touched.`;

export async function run(args: string[]): Promise<number> {
  return guard(async () => {
    const parsed = parse(
      args,
      { "max-mb": { type: "string" }, "max-age-days": { type: "string" } },
      help,
    );
    if (!parsed) return 0;
    if (parsed.positionals[0] !== "prune" || parsed.positionals.length !== 1)
      throw new UsageError(help);
    const number = (name: string, value: string | undefined, min: number) => {
      if (value === undefined) return undefined;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min)
        throw new UsageError(`synco media prune: --${name} must be a whole number ≥ ${min}`);
      return n;
    };
    const config = configOrExit();
    const maxMb = number("max-mb", parsed.values["max-mb"] as string | undefined, 0);
    const maxAgeDays = number(
      "max-age-days",
      parsed.values["max-age-days"] as string | undefined,
      1,
    );
    const db = await openDatabase(config.databaseUrl);
    try {
      await migrateToLatest(db.db);
      const result = await pruneRemoteMedia(
        { db: db.db, media: config, clock: systemClock },
        {
          maxBytes: maxMb === undefined ? config.remoteMedia.maxBytes : maxMb * 1024 * 1024,
          maxAgeDays: maxAgeDays ?? config.remoteMedia.maxAgeDays,
        },
      );
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      console.log(
        `Pruned ${result.removed} cached files (${mb(result.freedBytes)} MB); ` +
          `${result.keptObjects} files (${mb(result.keptBytes)} MB) stay cached.`,
      );
      return 0;
    } finally {
      await db.close();
    }
  });
}
