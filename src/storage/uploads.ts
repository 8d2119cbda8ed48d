/**
 * A member's uploaded attachments as rows (images.ts stores the files): read
 * them, change their alt text and focal point before they are attached, and
 * forget those of a post that was not written. Every function takes the owner:
 * nobody reads or changes someone else's upload by guessing its id.
 */
import type { Kysely, Selectable } from "kysely";
import type { Schema, UploadsTable } from "../db/schema.ts";
import { type MediaConfig, mediaStore } from "./store.ts";

export type Upload = Selectable<UploadsTable>;

/** One of the member's attachment uploads. */
export function ownAttachment(
  db: Kysely<Schema>,
  ownerId: string,
  id: string,
): Promise<Upload | undefined> {
  return db
    .selectFrom("uploads")
    .selectAll()
    .where("id", "=", id)
    .where("owner_id", "=", ownerId)
    .where("purpose", "=", "attachment")
    .executeTakeFirst();
}

/** Those of these ids that are the member's attachment uploads (any order). */
export async function ownAttachments(
  db: Kysely<Schema>,
  ownerId: string,
  ids: string[],
): Promise<Upload[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom("uploads")
    .selectAll()
    .where("id", "in", ids)
    .where("owner_id", "=", ownerId)
    .where("purpose", "=", "attachment")
    .execute();
}

/**
 * Changes the alt text and focal point of an upload not yet attached (attached
 * media keep theirs in post_media, changed by editing the post). Undefined
 * leaves a field as it is; answers the upload as it now is.
 */
export async function describeAttachment(
  db: Kysely<Schema>,
  ownerId: string,
  id: string,
  change: { description?: string | undefined; focus?: string | null | undefined },
): Promise<Upload | undefined> {
  const set = {
    ...(change.description !== undefined ? { description: change.description } : {}),
    ...(change.focus !== undefined ? { focus: change.focus } : {}),
  };
  if (Object.keys(set).length > 0)
    await db
      .updateTable("uploads")
      .set(set)
      .where("id", "=", id)
      .where("owner_id", "=", ownerId)
      .where("purpose", "=", "attachment")
      .execute();
  return ownAttachment(db, ownerId, id);
}

/**
 * Forgets the member's uploads for a post that was not written, so bad input
 * leaves no rows. (The files stay: they are content-addressed and may be shared.)
 */
export async function discardUploads(
  db: Kysely<Schema>,
  ownerId: string,
  ids: string[],
): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom("uploads").where("id", "in", ids).where("owner_id", "=", ownerId).execute();
}

/** Files are content-addressed, so one may back another upload too; only orphans go. */
export async function removeUnreferencedFiles(
  db: Kysely<Schema>,
  media: MediaConfig,
  paths: string[],
): Promise<void> {
  for (const path of new Set(paths)) {
    const still = await db
      .selectFrom("uploads")
      .select("id")
      .where("path", "=", path)
      .executeTakeFirst();
    if (!still)
      await mediaStore(media)
        .delete(path)
        .catch(() => undefined);
  }
}
