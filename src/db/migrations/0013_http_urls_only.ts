import { type Kysely, sql } from "kysely";

/**
 * Issue 14, item 4: before remote URLs were checked on arrival, a remote actor's
 * `url` or `icon`, a post's `url` or an image's could be `javascript:` (or any
 * scheme). Keep only http(s) ones, as arrivals now are (kernel/safe-url.ts); a
 * remote image or a mention whose URL is not http(s) is dropped. Post versions
 * (post_edits.media) keep their JSON: pages check every URL they link again
 * (web/safe-url.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const notHttp = (column: string) =>
    sql<boolean>`(${sql.ref(column)} is not null and lower(${sql.ref(column)}) not like 'http://%' and lower(${sql.ref(column)}) not like 'https://%')`;
  await db.updateTable("remote_actors").set({ url: null }).where(notHttp("url")).execute();
  await db
    .updateTable("remote_actors")
    .set({ avatar_url: null })
    .where(notHttp("avatar_url"))
    .execute();
  await db
    .updateTable("posts")
    .set({ url: null })
    .where(notHttp("url"))
    .where("local", "=", 0)
    .execute();
  await db.deleteFrom("post_media").where(notHttp("remote_url")).execute();
  await db.deleteFrom("post_mentions").where(notHttp("actor_uri")).execute();
}
