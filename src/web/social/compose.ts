/**
 * The compose form and its handler: text, content warning, visibility, one
 * image with alt text, or a poll. Mentions are resolved here (members of this
 * node by name, others by WebFinger through the federation gateway) before the
 * capability writes the post; an unknown handle stays plain text, as on Mastodon.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import { MAX_POST_LENGTH } from "../../social/content.ts";
import { type PostInput, visibilities } from "../../social/posts.ts";
import { storeImage } from "../../storage/images.ts";
import { csrfField, errorSummary, type FieldErrors, field } from "../accounts/forms.ts";
import type { WebEnv } from "../context.ts";
import type { Html } from "../layout.ts";
import { isPostId, type SocialPagesDeps } from "./deps.ts";

export const pollDurations = [300, 3600, 86400, 604800] as const;

export interface ComposeValues {
  text?: string;
  spoiler?: string;
  visibility?: string;
  inReplyTo?: string;
  pollOptions?: string[];
}

export function composeForm(
  c: Context<WebEnv>,
  values: ComposeValues = {},
  errors: FieldErrors = {},
  replyName?: string,
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
  return html`<form method="post" action="/social/posts" enctype="multipart/form-data" class="stack compose" id="reply">
    ${csrfField(c)}
    <h2>${replyName ? t("social.compose.replyTo", { name: replyName }) : t("social.compose.title")}</h2>
    ${errorSummary(c, errors)}
    ${values.inReplyTo ? html`<input type="hidden" name="in_reply_to" value="${values.inReplyTo}" />` : ""}
    ${field({ name: "text", label: t("social.compose.text"), type: "textarea", value: values.text ?? "", error: errors.text, hint: t("social.compose.hint"), maxlength: MAX_POST_LENGTH })}
    ${field({ name: "spoiler", label: t("social.compose.spoiler"), value: values.spoiler ?? "", error: errors.spoiler, hint: t("social.compose.spoilerHint"), maxlength: 500 })}
    <div class="field"><label for="f-visibility">${t("social.compose.visibility")}</label>
      <select id="f-visibility" name="visibility"${errors.visibility ? html` aria-invalid="true" aria-describedby="f-visibility-error"` : ""}>${visibilities.map(option)}</select>
      ${errors.visibility ? html`<p class="field-error" id="f-visibility-error">${errors.visibility}</p>` : ""}
    </div>
    <details class="compose-extra"${errors.image || errors.alt ? html` open` : ""}><summary>${t("social.compose.image")}</summary>
      ${field({ name: "image", label: t("social.compose.imageFile"), type: "file", error: errors.image, accept: "image/*" })}
      ${field({ name: "alt", label: t("social.compose.alt"), error: errors.alt, hint: t("social.compose.altHint"), maxlength: 1500 })}
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
    <div><button type="submit">${values.inReplyTo ? t("social.compose.reply") : t("social.compose.submit")}</button></div>
  </form>`;
}

export type ParsedCompose =
  | { ok: true; input: Omit<PostInput, "mentions" | "media">; image: File | null; alt: string }
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
  const file = body.image instanceof File && body.image.size > 0 ? body.image : null;
  const alt = str("alt").trim();
  const errors: FieldErrors = {};
  if (text.length > MAX_POST_LENGTH)
    errors.text = t("social.error.tooLong", { max: MAX_POST_LENGTH });
  else if (!text.trim() && !file) errors.text = t("social.error.empty");
  if (spoiler.length > 500) errors.spoiler = t("social.error.spoilerTooLong");
  if (!(visibilities as readonly string[]).includes(visibility))
    errors.visibility = t("social.error.visibility");
  if (inReplyTo && !isPostId(inReplyTo)) errors.text = t("social.error.replyNotFound");
  if (file && !alt) errors.alt = t("social.error.alt");
  if (alt.length > 1500) errors.alt = t("social.error.alt");
  const duration = Number(str("poll_duration") || 86400);
  if (
    filled.length > 0 &&
    (filled.length < 2 ||
      file ||
      new Set(filled).size !== filled.length ||
      !(pollDurations as readonly number[]).includes(duration))
  )
    errors.poll = t("social.error.poll");
  if (Object.keys(errors).length > 0)
    return { ok: false, errors, values: { text, spoiler, visibility, inReplyTo, pollOptions } };
  return {
    ok: true,
    image: file,
    alt,
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

/** Stores the image of a post (outside any transaction: sharp is slow). */
export async function storeAttachment(
  deps: SocialPagesDeps,
  ownerId: string,
  image: File,
  alt: string,
) {
  const bytes = new Uint8Array(await image.arrayBuffer());
  return storeImage(deps.db, deps.config.dataDir, {
    bytes,
    purpose: "attachment",
    ownerId,
    description: alt,
  });
}
