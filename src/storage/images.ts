/**
 * Uploaded images: the type is checked from the bytes (not the name or the
 * client's word), the size is capped, and every image is re-encoded by sharp,
 * which rotates it upright and drops all metadata (EXIF, GPS, ICC comments).
 * Files are stored under DATA_DIR/media with content-addressed names.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { newId } from "../kernel/ids.ts";

export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

/** Largest width and height kept for each use; bigger images are scaled down. */
export const purposes = {
  avatar: { width: 400, height: 400, fit: "cover" },
  header: { width: 1500, height: 500, fit: "cover" },
  attachment: { width: 2560, height: 2560, fit: "inside" },
} as const;
export type ImagePurpose = keyof typeof purposes;

const accepted = new Set(["jpeg", "png", "webp", "gif", "avif", "heif"]);

export type StoredImage = {
  id: string;
  url: string;
  contentType: string;
  width: number;
  height: number;
  size: number;
};

export type ImageRejection = "unsupported" | "too-large" | "unreadable";

export function mediaUrl(path: string): string {
  return `/media/${path}`;
}

/** Processes and stores an image; a rejected image writes nothing. */
export async function storeImage(
  db: Kysely<Schema>,
  dataDir: string,
  input: { bytes: Uint8Array; purpose: ImagePurpose; ownerId: string | null; description?: string },
): Promise<{ ok: true; value: StoredImage } | { ok: false; reason: ImageRejection }> {
  if (input.bytes.byteLength > MAX_UPLOAD_BYTES) return { ok: false, reason: "too-large" };
  // sharp is loaded on first upload only; a node that never receives one never pays for it.
  const sharp = (await import("sharp")).default;
  let format: string | undefined;
  try {
    format = (await sharp(input.bytes).metadata()).format;
  } catch {
    return { ok: false, reason: "unreadable" };
  }
  if (!format || !accepted.has(format)) return { ok: false, reason: "unsupported" };
  const box = purposes[input.purpose];
  let output: { data: Buffer; info: { width: number; height: number } };
  try {
    output = await sharp(input.bytes, { animated: false, limitInputPixels: 50_000_000 })
      .rotate()
      .resize({ width: box.width, height: box.height, fit: box.fit, withoutEnlargement: true })
      .webp({ quality: 82 })
      .toBuffer({ resolveWithObject: true });
  } catch {
    return { ok: false, reason: "unreadable" };
  }
  const digest = createHash("sha256").update(output.data).digest("hex");
  const relative = `${digest.slice(0, 2)}/${digest}.webp`;
  const dir = join(dataDir, "media", digest.slice(0, 2));
  await mkdir(dir, { recursive: true });
  // Written to a temporary name first so a crash never leaves a half-written image.
  const tmp = join(dir, `${digest}.${process.pid}.tmp`);
  await writeFile(tmp, output.data);
  await rename(tmp, join(dir, `${digest}.webp`));
  const row = {
    id: newId(),
    owner_id: input.ownerId,
    purpose: input.purpose,
    content_type: "image/webp",
    width: output.info.width,
    height: output.info.height,
    size: output.data.byteLength,
    path: relative,
    description: input.description ?? "",
    created_at: new Date().toISOString(),
  };
  await db.insertInto("uploads").values(row).execute();
  return {
    ok: true,
    value: {
      id: row.id,
      url: mediaUrl(relative),
      contentType: row.content_type,
      width: row.width,
      height: row.height,
      size: row.size,
    },
  };
}

/** Reads a stored file by its public path; undefined for anything not under media/. */
export async function readMedia(dataDir: string, path: string): Promise<Buffer | undefined> {
  if (!/^[0-9a-f]{2}\/[0-9a-f]{64}\.webp$/.test(path)) return undefined;
  try {
    return await readFile(join(dataDir, "media", path));
  } catch {
    return undefined;
  }
}
