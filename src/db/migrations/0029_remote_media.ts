import { createHash } from "node:crypto";
import type { Kysely } from "kysely";

/**
 * The remote media cache (issue 25): a row per remote URL we show (attachments,
 * avatars, headers), keyed by the URL's SHA-256; the bytes are fetched on first
 * view. Remote actors get their header image. The URLs already stored get their
 * rows here, so what was shown before keeps showing.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("remote_media")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("cached", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("content_type", "text")
    .addColumn("size", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("fetched_at", "text")
    .addColumn("last_used_at", "text")
    .addColumn("failed_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  // Pruning walks the cached rows from the least recently used.
  await db.schema
    .createIndex("remote_media_cached_used")
    .on("remote_media")
    .columns(["cached", "last_used_at"])
    .execute();
  await db.schema.alterTable("remote_actors").addColumn("header_url", "text").execute();

  const now = new Date().toISOString();
  const media = await db
    .selectFrom("post_media")
    .select("remote_url as url")
    .distinct()
    .where("remote_url", "is not", null)
    .execute();
  const avatars = await db
    .selectFrom("remote_actors")
    .select("avatar_url as url")
    .distinct()
    .where("avatar_url", "is not", null)
    .execute();
  const urls = [...new Set([...media, ...avatars].map((r) => String(r.url)))];
  for (let i = 0; i < urls.length; i += 200) {
    const rows = urls.slice(i, i + 200).map((url) => ({
      key: createHash("sha256").update(url).digest("hex"),
      url,
      created_at: now,
    }));
    await db
      .insertInto("remote_media")
      .values(rows)
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
  }
}
