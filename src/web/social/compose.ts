/**
 * The compose form and its handler: text, content warning, visibility, up to
 * four images (image_1…image_4), each with its own alt text (alt_1…alt_4), or
 * a poll. Mentions are resolved here (members of this
 * node by name, others by WebFinger through the federation gateway) before the
 * capability writes the post; an unknown handle stays plain text, as on Mastodon.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import { resolveMentions } from "../../federation/mentions.ts";
import type { Result } from "../../kernel/errors.ts";
import { MAX_POST_LENGTH } from "../../social/content.ts";
import { MAX_MEDIA, MAX_TITLE_LENGTH, type PostInput, visibilities } from "../../social/posts.ts";
import { MAX_UPLOAD_BYTES, storeImage } from "../../storage/images.ts";
import { discardUploads } from "../../storage/uploads.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, type FieldErrors, field } from "../forms.ts";
import type { Translate } from "../i18n/i18n.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { imageRejectionText } from "../uploads.ts";
import { isPostId, type SocialPagesDeps } from "./deps.ts";

export const pollDurations = [300, 3600, 86400, 604800] as const;
const slots = Array.from({ length: MAX_MEDIA }, (_, i) => i + 1);

/** An image of the form, with its alt text and the names of its fields. */
export interface ComposeImage {
  file: File;
  alt: string;
  fileField: string;
  altField: string;
}

export interface ComposeValues {
  /** A group thread's title. */
  title?: string;
  text?: string;
  spoiler?: string;
  visibility?: string;
  inReplyTo?: string;
  pollOptions?: string[];
}

/** Where the form is used: a group's thread and reply forms post elsewhere, with a title, and no visibility. */
export interface ComposeOptions {
  action?: string;
  heading?: string;
  /** Ask for a title (a group's new thread). */
  title?: boolean;
  /** Offer the visibility selector (not in a group: the group decides). */
  visibility?: boolean;
  submit?: string;
}

export function composeForm(
  c: Context<WebEnv>,
  values: ComposeValues = {},
  errors: FieldErrors = {},
  replyName?: string,
  options: ComposeOptions = {},
): Html {
  const t = c.get("t");
  const vis = values.visibility ?? "public";
  const option = (v: string) =>
    html`<option value="${v}"${vis === v ? html` selected` : ""}>${t(`social.compose.${v as "public"}`)}</option>`;
  const durations = [
    [300, "social.compose.minutes5"],
    [3600, "social.compose.hour1"],
    [86400, "social.compose.day1"],
    [604800, "social.compose.days7"],
  ] as const;
  const heading =
    options.heading ??
    (replyName ? t("social.compose.replyTo", { name: replyName }) : t("social.compose.title"));
  return html`<form method="post" action="${safeUrl(options.action ?? "/social/posts")}" enctype="multipart/form-data" class="stack compose" id="reply">
    ${csrfField(c)}
    <h2>${heading}</h2>
    ${errorSummary(c, errors)}
    ${values.inReplyTo ? html`<input type="hidden" name="in_reply_to" value="${values.inReplyTo}" />` : ""}
    ${options.title ? field({ name: "title", label: t("groups.thread.title"), value: values.title ?? "", error: errors.title, required: true, maxlength: MAX_TITLE_LENGTH }) : ""}
    ${field({ name: "text", label: t("social.compose.text"), type: "textarea", value: values.text ?? "", error: errors.text, hint: t("social.compose.hint"), maxlength: MAX_POST_LENGTH })}
    ${field({ name: "spoiler", label: t("social.compose.spoiler"), value: values.spoiler ?? "", error: errors.spoiler, hint: t("social.compose.spoilerHint"), maxlength: 500 })}
    ${
      options.visibility === false
        ? ""
        : html`<div class="field"><label for="f-visibility">${t("social.compose.visibility")}</label>
      <select id="f-visibility" name="visibility"${errors.visibility ? html` aria-invalid="true" aria-describedby="f-visibility-error"` : ""}>${visibilities.map(option)}</select>
      ${errors.visibility ? html`<p class="field-error" id="f-visibility-error">${errors.visibility}</p>` : ""}
    </div>`
    }
    <details class="compose-extra"${Object.keys(errors).some((k) => /^(image|alt)/.test(k)) ? html` open` : ""}><summary>${t("social.compose.images", { max: MAX_MEDIA })}</summary>
      ${errors.image ? html`<p class="field-error" id="f-image">${errors.image}</p>` : ""}
      ${slots.map(
        (n) => html`<fieldset><legend>${t("social.compose.imageN", { n })}</legend>
        ${field({ name: `image_${n}`, label: t("social.compose.imageFile"), type: "file", error: errors[`image_${n}`], accept: "image/*" })}
        ${field({ name: `alt_${n}`, label: t("social.compose.alt"), error: errors[`alt_${n}`], hint: t("social.compose.altHint"), maxlength: 1500 })}
      </fieldset>`,
      )}
      <label><input type="checkbox" name="sensitive" value="on" /> ${t("social.compose.sensitive")}</label>
    </details>
    <details class="compose-extra"${errors.poll ? html` open` : ""}><summary>${t("social.compose.poll")}</summary>
      <fieldset${errors.poll ? html` aria-describedby="f-poll-error"` : ""}><legend>${t("social.compose.poll")}</legend>
        ${errors.poll ? html`<p class="field-error" id="f-poll-error">${errors.poll}</p>` : ""}
        ${[1, 2, 3, 4].map((n) => field({ name: `poll_option_${n}`, label: t("social.compose.pollOption", { n }), value: values.pollOptions?.[n - 1] ?? "", maxlength: 50 }))}
        <label><input type="checkbox" name="poll_multiple" value="on" /> ${t("social.compose.pollMultiple")}</label>
        <div class="field"><label for="f-poll_duration">${t("social.compose.pollDuration")}</label>
          <select id="f-poll_duration" name="poll_duration">${durations.map(([s, k]) => html`<option value="${s}"${s === 86400 ? html` selected` : ""}>${t(k)}</option>`)}</select>
        </div>
      </fieldset>
    </details>
    <div><button type="submit">${options.submit ?? (values.inReplyTo ? t("social.compose.reply") : t("social.compose.submit"))}</button></div>
  </form>`;
}

export type ParsedCompose =
  | { ok: true; input: Omit<PostInput, "mentions" | "media">; images: ComposeImage[] }
  | { ok: false; errors: FieldErrors; values: ComposeValues };

/** Reads the compose form; field errors (422) for what is wrong with it. */
export function parseCompose(
  c: Context<WebEnv>,
  body: Record<string, string | File | (string | File)[]>,
): ParsedCompose {
  const t = c.get("t");
  const str = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : "");
  const text = str("text");
  const spoiler = str("spoiler");
  const visibility = str("visibility") || "public";
  const inReplyTo = str("in_reply_to");
  const pollOptions = [1, 2, 3, 4].map((n) => str(`poll_option_${n}`).trim());
  const filled = pollOptions.filter(Boolean);
  const errors: FieldErrors = {};
  // image_1…image_4 with alt_1…alt_4 (and image/alt, the one-image form's names, as the first).
  const images: (ComposeImage & { slot: number })[] = [];
  let tooMany = false;
  for (const [key, value] of Object.entries(body)) {
    const m = /^image(?:_(\d{1,3}))?$/.exec(key);
    if (!m) continue;
    const files = [value].flat().filter((v): v is File => v instanceof File && v.size > 0);
    const slot = m[1] ? Number(m[1]) : 0;
    if (files.length > 1 || (files.length === 1 && slot > MAX_MEDIA)) tooMany = true;
    const file = files[0];
    if (!file) continue;
    const altField = m[1] ? `alt_${m[1]}` : "alt";
    images.push({ file, alt: str(altField).trim(), fileField: key, altField, slot });
  }
  images.sort((a, b) => a.slot - b.slot);
  if (tooMany || images.length > MAX_MEDIA)
    errors.image = t("social.error.tooManyImages", { max: MAX_MEDIA });
  for (const image of images) {
    if (!image.alt || image.alt.length > 1500) errors[image.altField] = t("social.error.alt");
    if (!image.file.type.startsWith("image/") || image.file.size > MAX_UPLOAD_BYTES)
      errors[image.fileField] = t("social.error.media");
  }
  if (text.length > MAX_POST_LENGTH)
    errors.text = t("social.error.tooLong", { max: MAX_POST_LENGTH });
  else if (!text.trim() && images.length === 0) errors.text = t("social.error.empty");
  if (spoiler.length > 500) errors.spoiler = t("social.error.spoilerTooLong");
  if (!(visibilities as readonly string[]).includes(visibility))
    errors.visibility = t("social.error.visibility");
  if (inReplyTo && !isPostId(inReplyTo)) errors.text = t("social.error.replyNotFound");
  const duration = Number(str("poll_duration") || 86400);
  if (
    filled.length > 0 &&
    (filled.length < 2 ||
      images.length > 0 ||
      new Set(filled).size !== filled.length ||
      !(pollDurations as readonly number[]).includes(duration))
  )
    errors.poll = t("social.error.poll");
  if (Object.keys(errors).length > 0)
    return { ok: false, errors, values: { text, spoiler, visibility, inReplyTo, pollOptions } };
  return {
    ok: true,
    images: images.map(({ slot: _, ...image }) => image),
    input: {
      text,
      spoiler,
      visibility: visibility as PostInput["visibility"],
      language: c.get("locale"),
      sensitive: str("sensitive") === "on",
      inReplyToId: inReplyTo || null,
      poll: filled.length
        ? { options: filled, multiple: str("poll_multiple") === "on", expiresInSeconds: duration }
        : null,
    },
  };
}

/**
 * Reads each image's header before any is stored, so a form with one bad image
 * writes nothing; null when all can be read, else the field of the first that cannot.
 */
export async function unreadableImage(images: ComposeImage[]): Promise<string | null> {
  const sharp = (await import("sharp")).default;
  for (const image of images) {
    try {
      const meta = await sharp(new Uint8Array(await image.file.arrayBuffer())).metadata();
      if (!meta.format || !meta.width || !meta.height) return image.fileField;
    } catch {
      return image.fileField;
    }
  }
  return null;
}

/** Stores the image of a post (outside any transaction: sharp is slow). */
export async function storeAttachment(
  deps: Pick<SocialPagesDeps, "db" | "clock"> & {
    config: Pick<SocialPagesDeps["config"], "dataDir" | "s3">;
  },
  ownerId: string,
  image: File,
  alt: string,
) {
  const bytes = new Uint8Array(await image.arrayBuffer());
  return storeImage(
    deps.db,
    deps.config,
    {
      bytes,
      purpose: "attachment",
      ownerId,
      description: alt,
    },
    deps.clock,
  );
}

/** What writeComposed answers: the write's value, field errors of an image, or the write's refusal. */
export type ComposedWrite<T, R extends string> =
  | { ok: true; value: T }
  | { ok: false; errors: FieldErrors }
  | { ok: false; reason: R };

/**
 * Writes a parsed compose form with `write` (createPost, writeInGroup…): reads every
 * image first, resolves the mentions, stores the images, then writes. When an image
 * or the post is refused, the uploads stored for it go again, so bad input leaves no rows.
 */
export async function writeComposed<T, R extends string>(
  deps: Parameters<typeof storeAttachment>[0] & Parameters<typeof resolveMentions>[0],
  t: Translate,
  viewerId: string,
  parsed: Extract<ParsedCompose, { ok: true }>,
  write: (input: PostInput) => Promise<Result<T, R>>,
): Promise<ComposedWrite<T, R>> {
  const unreadable = await unreadableImage(parsed.images);
  if (unreadable) return { ok: false, errors: { [unreadable]: t("social.error.media") } };
  const mentions = await resolveMentions(deps, parsed.input.text);
  const media: { uploadId: string; description: string }[] = [];
  const forget = () =>
    discardUploads(
      deps.db,
      viewerId,
      media.map((m) => m.uploadId),
    );
  for (const image of parsed.images) {
    const stored = await storeAttachment(deps, viewerId, image.file, image.alt);
    if (!stored.ok) {
      await forget();
      return { ok: false, errors: { [image.fileField]: imageRejectionText(t, stored.reason) } };
    }
    media.push({ uploadId: stored.value.id, description: image.alt });
  }
  const result = await write({ ...parsed.input, mentions, media });
  if (!result.ok) await forget();
  return result;
}
