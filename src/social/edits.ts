/**
 * Edit history: before an edit (a member's, or a remote author's Update) replaces
 * a post's content, the version it replaces is kept in post_edits. The history is
 * those versions, oldest first, then the current one — Mastodon's StatusEdit list.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { newId } from "../kernel/ids.ts";
import { attachmentUrl } from "../storage/remote-media.ts";
import { parseOptions } from "./polls.ts";

export interface VersionView {
  contentHtml: string;
  source: string;
  spoiler: string;
  sensitive: boolean;
  media: { url: string; mediaType: string; description: string }[];
  /** The poll's option titles, or null. */
  pollOptions: string[] | null;
  createdAt: string;
}

async function currentVersion(db: Kysely<Schema>, postId: string): Promise<VersionView | null> {
  const post = await db
    .selectFrom("posts")
    .select(["source", "content_html", "spoiler", "sensitive", "created_at", "edited_at"])
    .where("id", "=", postId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!post) return null;
  const media = await db
    .selectFrom("post_media as m")
    .leftJoin("uploads as u", "u.id", "m.upload_id")
    .select(["m.remote_url", "u.path", "m.media_type", "m.description"])
    .where("m.post_id", "=", postId)
    .orderBy("m.position")
    .execute();
  const poll = await db
    .selectFrom("polls")
    .select("options")
    .where("post_id", "=", postId)
    .executeTakeFirst();
  return {
    contentHtml: post.content_html,
    source: post.source,
    spoiler: post.spoiler,
    sensitive: post.sensitive === 1,
    media: media.map((m) => ({
      url: attachmentUrl(m),
      mediaType: m.media_type,
      description: m.description,
    })),
    pollOptions: poll ? parseOptions(poll.options).map((o) => o.title) : null,
    createdAt: post.edited_at ?? post.created_at,
  };
}

/** Keeps the post's current version as an earlier one; call in the edit's transaction, before it. */
export async function keepVersion(trx: Kysely<Schema>, postId: string): Promise<void> {
  const v = await currentVersion(trx, postId);
  if (v) await insertVersion(trx, postId, v);
}

/**
 * For a remote Update: runs the change, and keeps the version it replaced only if
 * what a reader sees changed (an Update(Question) that only recounts votes does
 * not). Answers whether it changed, so the caller marks the post edited only then.
 */
export async function keepVersionIfChanged(
  trx: Kysely<Schema>,
  postId: string,
  change: () => Promise<void>,
): Promise<boolean> {
  const before = await currentVersion(trx, postId);
  await change();
  const after = await currentVersion(trx, postId);
  if (!before || !after) return false;
  const seen = (v: VersionView) =>
    JSON.stringify([v.contentHtml, v.spoiler, v.sensitive, v.media, v.pollOptions]);
  if (seen(before) === seen(after)) return false;
  await insertVersion(trx, postId, before);
  return true;
}

async function insertVersion(trx: Kysely<Schema>, postId: string, v: VersionView): Promise<void> {
  await trx
    .insertInto("post_edits")
    .values({
      id: newId(),
      post_id: postId,
      source: v.source,
      content_html: v.contentHtml,
      spoiler: v.spoiler,
      sensitive: v.sensitive ? 1 : 0,
      media: JSON.stringify(v.media),
      poll_options: v.pollOptions ? JSON.stringify(v.pollOptions) : null,
      created_at: v.createdAt,
    })
    .execute();
}

/** The earlier versions of a post, oldest first (without the current one). */
export async function earlierVersions(db: Kysely<Schema>, postId: string): Promise<VersionView[]> {
  const rows = await db
    .selectFrom("post_edits")
    .selectAll()
    .where("post_id", "=", postId)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    contentHtml: r.content_html,
    source: r.source,
    spoiler: r.spoiler,
    sensitive: r.sensitive === 1,
    media: JSON.parse(r.media) as VersionView["media"],
    pollOptions: r.poll_options ? (JSON.parse(r.poll_options) as string[]) : null,
    createdAt: r.created_at,
  }));
}

/** Every version of a post, oldest first, the current one last; null for an unknown or deleted post. */
export async function postHistory(
  db: Kysely<Schema>,
  postId: string,
): Promise<VersionView[] | null> {
  const current = await currentVersion(db, postId);
  if (!current) return null;
  return [...(await earlierVersions(db, postId)), current];
}
