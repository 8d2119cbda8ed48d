/**
 * A member's post's attachments: uploads attached in order, replaced by an edit,
 * or given new alt text and focal points (Mastodon's media_ids and
 * media_attributes). Called inside the post's transaction (posts.ts).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { newId } from "../kernel/ids.ts";

/** An upload attached to a post, with its alt text and focal point ("x,y" in [-1, 1]). */
export interface MediaInput {
  uploadId: string;
  description: string;
  focus?: string | null | undefined;
}

/** Alt text or focal point of an attachment a post already has (an edit's media_attributes). */
export interface MediaChange {
  uploadId: string;
  description?: string | undefined;
  focus?: string | null | undefined;
}

/** Attaches uploads to a post in the order given (its former attachments must be gone). */
export async function attachMedia(trx: Kysely<Schema>, postId: string, media: MediaInput[]) {
  for (const [position, m] of media.entries()) {
    const upload = await trx
      .selectFrom("uploads")
      .select(["content_type", "width", "height", "focus"])
      .where("id", "=", m.uploadId)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("post_media")
      .values({
        id: newId(),
        post_id: postId,
        position,
        upload_id: m.uploadId,
        remote_url: null,
        media_type: upload.content_type,
        description: m.description,
        width: upload.width,
        height: upload.height,
        focus: m.focus === undefined ? upload.focus : m.focus,
      })
      .execute();
  }
}

/** The post's attachments become these; one it keeps keeps its alt text and focus. */
export async function replaceAttachments(
  trx: Kysely<Schema>,
  postId: string,
  media: MediaInput[],
): Promise<void> {
  const before = await trx
    .selectFrom("post_media")
    .select(["upload_id", "description", "focus"])
    .where("post_id", "=", postId)
    .execute();
  const kept = media.map((m) => {
    const had = before.find((b) => b.upload_id === m.uploadId);
    return had ? { ...m, description: had.description, focus: had.focus } : m;
  });
  await trx.deleteFrom("post_media").where("post_id", "=", postId).execute();
  await attachMedia(trx, postId, kept);
}

/** New alt text and focal points for attachments the post has (others are ignored, as Mastodon does). */
export async function changeAttachments(
  trx: Kysely<Schema>,
  postId: string,
  changes: MediaChange[],
): Promise<void> {
  for (const change of changes) {
    const set = {
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...(change.focus !== undefined ? { focus: change.focus } : {}),
    };
    if (Object.keys(set).length === 0) continue;
    await trx
      .updateTable("post_media")
      .set(set)
      .where("post_id", "=", postId)
      .where("upload_id", "=", change.uploadId)
      .execute();
  }
}
