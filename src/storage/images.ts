/**
 * Uploaded images: the type is checked from the bytes (not the name or the
 * client's word), the size is capped, and every image is re-encoded by sharp,
 * which rotates it upright and drops all metadata (EXIF, GPS, ICC comments).
 * Files are stored in the node's media store (store.ts: DATA_DIR/media or S3)
 * with content-addressed names.
 *
 * A small file can decode to a huge bitmap (a 34 KB GIF of 7070×7070 pixels), so
 * the pixel count is checked from the header before decoding, animation frames
 * included, and at most IMAGE_CONCURRENCY images are decoded at once: the
 * memory for images is bounded whatever the number of concurrent uploads.
 */
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import type { Clock } from "../kernel/clock.ts";
import { newId } from "../kernel/ids.ts";
import { Semaphore } from "./semaphore.ts";
import { type MediaConfig, mediaStore } from "./store.ts";

export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;
/**
 * Pixels of one frame: 7680×4320 (8K), Mastodon's MAX_MATRIX_LIMIT, so what its
 * apps send is accepted. A GIF frame is decoded whole: about 4 bytes a pixel.
 */
export const MAX_INPUT_PIXELS = 33_177_600;
/** Pixels of all frames of an animation together (width × frame height × frames). */
export const MAX_ANIMATION_PIXELS = 100_000_000;
/** Images decoded at the same time in this process; later uploads wait their turn. */
export const IMAGE_CONCURRENCY = 2;

const decoding = new Semaphore(IMAGE_CONCURRENCY);

/** How many images are being decoded and waiting, and the most ever decoded at once. */
export const imageDecodingStats = () => decoding.stats();

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

/** too-large: more bytes than MAX_UPLOAD_BYTES; too-many-pixels: over MAX_INPUT_PIXELS or MAX_ANIMATION_PIXELS. */
export type ImageRejection = "unsupported" | "too-large" | "too-many-pixels" | "unreadable";

export function mediaUrl(path: string): string {
  return `/media/${path}`;
}

/** Processes and stores an image; a rejected image writes nothing. */
export async function storeImage(
  db: Kysely<Schema>,
  media: MediaConfig,
  input: {
    bytes: Uint8Array;
    purpose: ImagePurpose;
    ownerId: string | null;
    description?: string;
    /** "x,y" in [-1, 1], Mastodon's focal point. */
    focus?: string | null | undefined;
  },
  clock: Clock,
): Promise<{ ok: true; value: StoredImage } | { ok: false; reason: ImageRejection }> {
  if (input.bytes.byteLength > MAX_UPLOAD_BYTES) return { ok: false, reason: "too-large" };
  const processed = await decoding.run(() => reencode(input.bytes, purposes[input.purpose]));
  if (!processed.ok) return processed;
  const output = processed.value;
  const digest = createHash("sha256").update(output.data).digest("hex");
  const relative = `${digest.slice(0, 2)}/${digest}.webp`;
  // Same name, same bytes: an earlier or concurrent upload of the same image is success.
  const store = mediaStore(media);
  if (!(await store.has(relative))) await store.put(relative, output.data, "image/webp");
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
    focus: input.focus ?? null,
    created_at: clock.now().toISOString(),
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

type Box = (typeof purposes)[ImagePurpose];

let sharpModule: Promise<typeof import("sharp").default> | undefined;

/**
 * sharp is loaded on first upload only; a node that never receives one never pays
 * for it. libvips' operation cache is turned off: uploads never repeat, so the
 * cache would only keep recently decoded images in memory.
 */
function loadSharp() {
  sharpModule ??= import("sharp").then(({ default: sharp }) => {
    sharp.cache(false);
    return sharp;
  });
  return sharpModule;
}

/** Checks the header, then decodes, rotates, scales and re-encodes (the expensive part). */
async function reencode(
  bytes: Uint8Array,
  box: Box,
): Promise<
  | { ok: true; value: { data: Buffer; info: { width: number; height: number } } }
  | { ok: false; reason: ImageRejection }
> {
  const sharp = await loadSharp();
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>["metadata"]>>;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    return { ok: false, reason: "unreadable" };
  }
  if (!meta.format || !accepted.has(meta.format)) return { ok: false, reason: "unsupported" };
  const framePixels = (meta.width ?? 0) * (meta.pageHeight ?? meta.height ?? 0);
  if (framePixels > MAX_INPUT_PIXELS || framePixels * (meta.pages ?? 1) > MAX_ANIMATION_PIXELS)
    return { ok: false, reason: "too-many-pixels" };
  try {
    const value = await sharp(bytes, { animated: false, limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize({ width: box.width, height: box.height, fit: box.fit, withoutEnlargement: true })
      .webp({ quality: 82 })
      .toBuffer({ resolveWithObject: true });
    return { ok: true, value };
  } catch {
    return { ok: false, reason: "unreadable" };
  }
}

/** Reads a stored upload by its public path; undefined for anything that is not one. */
export async function readMedia(media: MediaConfig, path: string): Promise<Uint8Array | undefined> {
  if (!/^[0-9a-f]{2}\/[0-9a-f]{64}\.webp$/.test(path)) return undefined;
  return mediaStore(media).get(path);
}
