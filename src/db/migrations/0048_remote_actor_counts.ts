import type { Kysely } from "kysely";

/**
 * A remote person's counts as their own server gives them (issue 23, "People and
 * profiles"): the totalItems of their outbox, followers and following collections,
 * read when their page here is shown (federation/social/person-refresh.ts). Null
 * while unknown (never read, or the server hides it); counts_fetched_at says when
 * they were last read, so a page asks again only when they are stale.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const column of ["posts_count", "followers_count", "following_count"])
    await db.schema.alterTable("remote_actors").addColumn(column, "integer").execute();
  await db.schema.alterTable("remote_actors").addColumn("counts_fetched_at", "text").execute();
}
