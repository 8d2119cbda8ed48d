import type { Kysely } from "kysely";

/**
 * One content model (issue 16): a group's threads and replies become posts. A post
 * gains its kind (note, page — a thread with a title —, article), a title and a
 * summary, its audience (the Group it was posted in: `audience_uri`, and `group_id`
 * when the group is hosted here), `hidden_at` (hidden by the group's moderators)
 * and `activity_json` (a Create received for a group here, announced as it came).
 *
 * Every row of group_posts is copied with its id and URI unchanged, so remote
 * copies, links and queued outbox events keep working; then the table goes.
 * Visibility: a public group's posts are public; a members-only group's, and
 * those of groups elsewhere (whose audience we cannot know), are "followers",
 * which for a post with an audience means the group's members (social/visibility.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("posts")
    .addColumn("kind", "text", (c) => c.notNull().defaultTo("note"))
    .execute();
  await db.schema
    .alterTable("posts")
    .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema
    .alterTable("posts")
    .addColumn("summary", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.alterTable("posts").addColumn("audience_uri", "text").execute();
  await db.schema.alterTable("posts").addColumn("group_id", "text").execute();
  await db.schema.alterTable("posts").addColumn("hidden_at", "text").execute();
  await db.schema.alterTable("posts").addColumn("activity_json", "text").execute();
  await db.schema
    .createIndex("posts_audience")
    .on("posts")
    .columns(["audience_uri", "id"])
    .execute();
  await db.schema.createIndex("posts_group").on("posts").columns(["group_id", "id"]).execute();

  const groups = new Map(
    (await db.selectFrom("groups").select(["id", "visibility"]).execute()).map((g) => [
      g.id as string,
      g.visibility as string,
    ]),
  );
  const rows = await db.selectFrom("group_posts").selectAll().orderBy("id").execute();
  const uriOf = new Map(rows.map((r) => [r.id as string, r.uri as string]));
  const replies = new Map<string, number>();
  for (const r of rows)
    if (r.in_reply_to_id && !r.deleted_at)
      replies.set(r.in_reply_to_id, (replies.get(r.in_reply_to_id) ?? 0) + 1);
  for (const r of rows) {
    const visibility = r.group_id && groups.get(r.group_id) === "public" ? "public" : "followers";
    await db
      .insertInto("posts")
      .values({
        id: r.id,
        uri: r.uri,
        url: r.uri,
        author_uri: r.author_uri,
        author_account_id: r.author_account_id,
        author_remote_id: r.author_remote_id,
        local: r.author_account_id ? 1 : 0,
        visibility,
        in_reply_to_id: r.in_reply_to_id,
        in_reply_to_uri: r.in_reply_to_id ? (uriOf.get(r.in_reply_to_id) ?? null) : null,
        thread_id: r.thread_id,
        reblog_of_id: null,
        source: r.author_account_id ? htmlToText(r.content_html) : "",
        content_html: r.content_html,
        replies_count: replies.get(r.id) ?? 0,
        created_at: r.created_at,
        edited_at: null,
        deleted_at: r.deleted_at,
        kind: r.in_reply_to_id ? "note" : "page",
        title: r.title,
        audience_uri: r.group_uri,
        group_id: r.group_id,
        hidden_at: r.hidden_at,
        activity_json: r.activity_json,
      })
      .execute();
  }
  await db.schema.dropTable("group_posts").execute();
}

/** The plain text a member typed, back from the HTML group posts stored (paragraphs, <br>, &#N;). */
export function htmlToText(html: string): string {
  return html
    .replace(/<\/p><p>/g, "\n\n")
    .replace(/<br>/g, "\n")
    .replace(/<\/?p>/g, "")
    .replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));
}
