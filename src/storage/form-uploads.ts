/**
 * Images of a refused web form, kept for the form's next try (issue 23): a member
 * who picked photos and then mistyped something sees the photos again instead of
 * picking them twice. The form carries their upload ids in hidden fields; every
 * read takes the owner, so nobody attaches someone else's upload by guessing its id.
 * A member keeps at most MAX_FORM_UPLOADS (the oldest go first), and the worker
 * removes those no post took within FORM_UPLOAD_TTL_MS.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import type { Clock } from "../kernel/clock.ts";
import type { MediaConfig } from "./store.ts";
import { removeUnreferencedFiles, type Upload } from "./uploads.ts";

/** Kept uploads per member: a few forms' worth of images. */
export const MAX_FORM_UPLOADS = 16;
export const FORM_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

/** Marks the member's new upload as kept for their form's next try. */
export async function keepFormUpload(
  db: Kysely<Schema>,
  ownerId: string,
  uploadId: string,
  clock: Clock,
): Promise<void> {
  await db
    .insertInto("form_uploads")
    .values({ upload_id: uploadId, owner_id: ownerId, created_at: clock.now().toISOString() })
    .execute();
  const beyond = await db
    .selectFrom("form_uploads")
    .select("upload_id")
    .where("owner_id", "=", ownerId)
    .orderBy("created_at", "desc")
    .orderBy("upload_id", "desc")
    .offset(MAX_FORM_UPLOADS)
    .limit(1000)
    .execute();
  await discardFormUploads(
    db,
    ownerId,
    beyond.map((r) => r.upload_id),
  );
}

/** Those of these ids that are uploads the member keeps for a form (any order). */
export async function keptFormUploads(
  db: Kysely<Schema>,
  ownerId: string,
  ids: string[],
): Promise<Upload[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom("uploads")
    .innerJoin("form_uploads", "form_uploads.upload_id", "uploads.id")
    .selectAll("uploads")
    .where("uploads.id", "in", ids)
    .where("form_uploads.owner_id", "=", ownerId)
    .where("uploads.owner_id", "=", ownerId)
    .execute();
}

/** The post took them: they are no longer a form's to keep. */
export async function releaseFormUploads(
  db: Kysely<Schema>,
  ownerId: string,
  ids: string[],
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .deleteFrom("form_uploads")
    .where("upload_id", "in", ids)
    .where("owner_id", "=", ownerId)
    .execute();
}

/** The member removed them from the form (or kept too many): the uploads go, unless a post has them. */
export async function discardFormUploads(
  db: Kysely<Schema>,
  ownerId: string,
  ids: string[],
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .deleteFrom("uploads")
    .where("owner_id", "=", ownerId)
    .where("id", "in", (q) =>
      q.selectFrom("form_uploads").select("upload_id").where("upload_id", "in", ids),
    )
    .where("id", "not in", (q) =>
      q
        .selectFrom("post_media")
        .select("upload_id")
        .where("upload_id", "is not", null)
        .$narrowType<{ upload_id: string }>(),
    )
    .execute();
  await releaseFormUploads(db, ownerId, ids);
}

/**
 * The worker's clean-up: uploads kept for a form longer than FORM_UPLOAD_TTL_MS
 * that no post took go, and then their files if no other upload shares them.
 */
export async function sweepFormUploads(
  db: Kysely<Schema>,
  media: MediaConfig | undefined,
  clock: Clock,
): Promise<number> {
  const cutoff = new Date(clock.now().getTime() - FORM_UPLOAD_TTL_MS).toISOString();
  const stale = await db
    .selectFrom("form_uploads")
    .innerJoin("uploads", "uploads.id", "form_uploads.upload_id")
    .select(["uploads.id", "uploads.path"])
    .where("form_uploads.created_at", "<", cutoff)
    .where("uploads.id", "not in", (q) =>
      q
        .selectFrom("post_media")
        .select("upload_id")
        .where("upload_id", "is not", null)
        .$narrowType<{ upload_id: string }>(),
    )
    .limit(500)
    .execute();
  if (stale.length > 0)
    await db
      .deleteFrom("uploads")
      .where(
        "id",
        "in",
        stale.map((s) => s.id),
      )
      .execute();
  await db.deleteFrom("form_uploads").where("created_at", "<", cutoff).execute();
  if (media)
    await removeUnreferencedFiles(
      db,
      media,
      stale.map((s) => s.path),
    );
  return stale.length;
}
