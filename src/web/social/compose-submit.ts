/**
 * Reading and writing the compose form (compose.ts draws it), on the social pages
 * and in groups. Whatever is wrong, the member gets the form back with all they
 * typed: each picked file is checked on its own ("photo.png is 10.3 MB; the limit
 * is 8 MB", next to its field), and every image that could be stored is kept as
 * a form upload (storage/form-uploads.ts) and shown again instead of a picker.
 * Mentions are resolved (members of this node by name, others by WebFinger) before
 * the capability writes the post; an unknown handle stays plain text, as on Mastodon.
 */
import type { Context } from "hono";
import { resolveMentions } from "../../federation/mentions.ts";
import type { Result } from "../../kernel/errors.ts";
import { MAX_POST_LENGTH } from "../../social/content.ts";
import { MAX_MEDIA, type PostInput, visibilities } from "../../social/posts.ts";
import {
  discardFormUploads,
  keepFormUpload,
  keptFormUploads,
  releaseFormUploads,
} from "../../storage/form-uploads.ts";
import { mediaUrl, storeImage } from "../../storage/images.ts";
import type { WebEnv } from "../context.ts";
import type { FieldErrors } from "../forms.ts";
import { imageRejectionText, pickedFileProblem } from "../uploads.ts";
import { type ComposeValues, composeSlots, type KeptImage, pollDurations } from "./compose.ts";
import { isPostId, type SocialPagesDeps } from "./deps.ts";

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_ALT = 1500;

/** A file picked in this try, with its slot, alt text and the names of its fields. */
export interface PickedImage {
  file: File;
  slot: number;
  alt: string;
  fileField: string;
  altField: string;
}

/** The form as read: the post's input, what to show again, and what is wrong with it. */
export interface ParsedCompose {
  input: Omit<PostInput, "mentions" | "media">;
  values: ComposeValues;
  errors: FieldErrors;
  picked: PickedImage[];
  /** Uploads of an earlier try the form carries (not yet checked against their owner). */
  kept: { slot: number; uploadId: string; alt: string }[];
  /** Uploads of an earlier try the member removed or replaced. */
  dropped: string[];
}

type Body = Record<string, string | File | (string | File)[]>;

/** Reads the compose form; nothing is stored yet. */
export function parseCompose(c: Context<WebEnv>, body: Body): ParsedCompose {
  const t = c.get("t");
  const str = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : "");
  const errors: FieldErrors = {};
  const { picked, tooMany } = pickedImages(body, str);
  const kept: ParsedCompose["kept"] = [];
  const dropped: string[] = [];
  for (const slot of composeSlots) {
    const id = str(`kept_${slot}`);
    if (!UPLOAD_ID.test(id)) continue;
    if (str(`drop_${slot}`) === "on" || picked.some((p) => p.slot === slot)) dropped.push(id);
    else kept.push({ slot, uploadId: id, alt: str(`alt_${slot}`).trim() });
  }
  if (tooMany || picked.length + kept.length > MAX_MEDIA)
    errors.image = t("social.error.tooManyImages", { max: MAX_MEDIA });
  for (const image of picked) {
    const problem = pickedFileProblem(t, c.get("locale"), image.file);
    if (problem) errors[image.fileField] = problem;
    if (!image.alt || image.alt.length > MAX_ALT) errors[image.altField] = t("social.error.alt");
  }
  for (const k of kept)
    if (!k.alt || k.alt.length > MAX_ALT) errors[`alt_${k.slot}`] = t("social.error.alt");
  const text = str("text");
  const spoiler = str("spoiler");
  const visibility = str("visibility") || "public";
  const inReplyTo = str("in_reply_to");
  const pollOptions = [1, 2, 3, 4].map((n) => str(`poll_option_${n}`).trim().slice(0, 200));
  const filled = pollOptions.filter(Boolean);
  const duration = Number(str("poll_duration") || 86400);
  const images = picked.length + kept.length;
  if (text.length > MAX_POST_LENGTH)
    errors.text = t("social.error.tooLong", { max: MAX_POST_LENGTH });
  else if (!text.trim() && images === 0) errors.text = t("social.error.empty");
  if (spoiler.length > 500) errors.spoiler = t("social.error.spoilerTooLong");
  if (!(visibilities as readonly string[]).includes(visibility))
    errors.visibility = t("social.error.visibility");
  if (inReplyTo && !isPostId(inReplyTo)) errors.text = t("social.error.replyNotFound");
  if (
    filled.length > 0 &&
    (filled.length < 2 ||
      images > 0 ||
      new Set(filled).size !== filled.length ||
      !(pollDurations as readonly number[]).includes(duration))
  )
    errors.poll = t("social.error.poll");
  const sensitive = str("sensitive") === "on";
  const pollMultiple = str("poll_multiple") === "on";
  const alts = Object.fromEntries(composeSlots.map((n) => [n, str(`alt_${n}`).slice(0, MAX_ALT)]));
  return {
    picked,
    kept,
    dropped,
    errors,
    values: {
      text: text.slice(0, MAX_POST_LENGTH * 2),
      spoiler: spoiler.slice(0, 1000),
      visibility,
      inReplyTo: isPostId(inReplyTo) ? inReplyTo : "",
      pollOptions,
      pollMultiple,
      pollDuration: (pollDurations as readonly number[]).includes(duration) ? duration : 86400,
      sensitive,
      alts,
    },
    input: {
      text,
      spoiler,
      visibility: visibility as PostInput["visibility"],
      language: c.get("locale"),
      sensitive,
      inReplyToId: inReplyTo || null,
      poll: filled.length
        ? { options: filled, multiple: pollMultiple, expiresInSeconds: duration }
        : null,
    },
  };
}

/** image_1…image_4 with alt_1…alt_4 (and image/alt, the one-image form's names, as slot 0). */
function pickedImages(body: Body, str: (k: string) => string) {
  const picked: PickedImage[] = [];
  let tooMany = false;
  for (const [key, value] of Object.entries(body)) {
    const m = /^image(?:_(\d{1,3}))?$/.exec(key);
    if (!m) continue;
    const files = [value].flat().filter((v): v is File => v instanceof File && v.size > 0);
    const slot = m[1] ? Number(m[1]) : 0;
    if (files.length > 1 || (files.length === 1 && slot > MAX_MEDIA)) tooMany = true;
    const file = files[0];
    if (!file || slot > MAX_MEDIA) continue;
    const altField = m[1] ? `alt_${m[1]}` : "alt";
    picked.push({ file, alt: str(altField).trim(), fileField: key, altField, slot });
  }
  picked.sort((a, b) => a.slot - b.slot);
  return { picked, tooMany };
}

/** What submitCompose answers: the write's value, the form to show again, or the write's refusal. */
export type ComposeOutcome<T, R extends string> =
  | { ok: true; value: T }
  | { ok: false; errors: FieldErrors; values: ComposeValues }
  | { ok: false; reason: R; values: ComposeValues };

type SubmitDeps = Pick<SocialPagesDeps, "db" | "clock"> & {
  config: Pick<SocialPagesDeps["config"], "dataDir" | "s3">;
} & Parameters<typeof resolveMentions>[0];

/**
 * Stores the images of a parsed compose form (each that can be, kept for the
 * form's next try), then writes the post with `write` (createPost, writeInGroup…)
 * when nothing is wrong. `more` adds errors of fields the caller reads (a title).
 * Kept uploads are released once a post has them; those of a refused form stay
 * kept, shown again in the form, until the worker's sweep.
 */
export async function submitCompose<T, R extends string>(
  c: Context<WebEnv>,
  deps: SubmitDeps,
  viewerId: string,
  parsed: ParsedCompose,
  write: (input: PostInput) => Promise<Result<T, R>>,
  more: FieldErrors = {},
): Promise<ComposeOutcome<T, R>> {
  const t = c.get("t");
  await discardFormUploads(deps.db, viewerId, parsed.dropped);
  const errors: FieldErrors = { ...more, ...parsed.errors };
  const found = await keptFormUploads(
    deps.db,
    viewerId,
    parsed.kept.map((k) => k.uploadId),
  );
  const images: KeptImage[] = [];
  for (const k of parsed.kept) {
    const upload = found.find((u) => u.id === k.uploadId);
    if (upload) images.push({ ...k, url: mediaUrl(upload.path) });
    else errors[`image_${k.slot}`] = t("upload.gone");
  }
  for (const image of parsed.picked) {
    if (errors[image.fileField] || errors.image) continue;
    const stored = await storeImage(
      deps.db,
      deps.config,
      {
        bytes: new Uint8Array(await image.file.arrayBuffer()),
        purpose: "attachment",
        ownerId: viewerId,
        description: image.alt,
      },
      deps.clock,
    );
    if (!stored.ok) {
      errors[image.fileField] = imageRejectionText(t, stored.reason, {
        file: image.file,
        locale: c.get("locale"),
      });
      continue;
    }
    await keepFormUpload(deps.db, viewerId, stored.value.id, deps.clock);
    images.push({
      slot: image.slot,
      uploadId: stored.value.id,
      url: stored.value.url,
      alt: image.alt,
    });
  }
  images.sort((a, b) => a.slot - b.slot);
  const values = { ...parsed.values, images };
  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  const mentions = await resolveMentions(deps, parsed.input.text);
  const media = images.map((i) => ({ uploadId: i.uploadId, description: i.alt }));
  const result = await write({ ...parsed.input, mentions, media });
  if (!result.ok) return { ok: false, reason: result.reason, values };
  await releaseFormUploads(
    deps.db,
    viewerId,
    images.map((i) => i.uploadId),
  );
  return result;
}
