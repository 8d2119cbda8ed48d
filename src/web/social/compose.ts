/**
 * The compose form: text, content warning, visibility, up to four images
 * (image_1…image_4), each with its own alt text (alt_1…alt_4), or a poll.
 * compose-submit.ts reads and writes it. When the form comes back with an error,
 * everything typed is in it again, and images already uploaded are shown with
 * their ids in hidden fields (kept_1…kept_4), so they need not be picked again.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import { MAX_POST_LENGTH } from "../../social/content.ts";
import { MAX_MEDIA, MAX_TITLE_LENGTH, visibilities } from "../../social/posts.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, type FieldErrors, field } from "../forms.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";

export const pollDurations = [300, 3600, 86400, 604800] as const;
export const composeSlots = Array.from({ length: MAX_MEDIA }, (_, i) => i + 1);

export interface ComposeValues {
  /** A group thread's title. */
  title?: string;
  text?: string;
  spoiler?: string;
  visibility?: string;
  inReplyTo?: string;
  pollOptions?: string[];
  pollMultiple?: boolean;
  pollDuration?: number;
  sensitive?: boolean;
  /** Images already uploaded by an earlier try of this form, shown instead of a file picker. */
  images?: KeptImage[];
  /** The alt text typed in each slot (alt_1…), kept when the form comes back. */
  alts?: Record<number, string>;
}

/** An upload kept from an earlier try of the form (storage/form-uploads.ts), in its slot. */
export interface KeptImage {
  slot: number;
  uploadId: string;
  url: string;
  alt: string;
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
    <details class="compose-extra"${Object.keys(errors).some((k) => /^(image|alt)/.test(k)) || values.images?.length ? html` open` : ""}><summary>${t("social.compose.images", { max: MAX_MEDIA })}</summary>
      ${errors.image ? html`<p class="field-error" id="f-image">${errors.image}</p>` : ""}
      ${composeSlots.map((n) => imageSlot(c, n, values, errors))}
      <label><input type="checkbox" name="sensitive" value="on"${values.sensitive ? html` checked` : ""} /> ${t("social.compose.sensitive")}</label>
    </details>
    <details class="compose-extra"${errors.poll ? html` open` : ""}><summary>${t("social.compose.poll")}</summary>
      <fieldset${errors.poll ? html` aria-describedby="f-poll-error"` : ""}><legend>${t("social.compose.poll")}</legend>
        ${errors.poll ? html`<p class="field-error" id="f-poll-error">${errors.poll}</p>` : ""}
        ${[1, 2, 3, 4].map((n) => field({ name: `poll_option_${n}`, label: t("social.compose.pollOption", { n }), value: values.pollOptions?.[n - 1] ?? "", maxlength: 50 }))}
        <label><input type="checkbox" name="poll_multiple" value="on"${values.pollMultiple ? html` checked` : ""} /> ${t("social.compose.pollMultiple")}</label>
        <div class="field"><label for="f-poll_duration">${t("social.compose.pollDuration")}</label>
          <select id="f-poll_duration" name="poll_duration">${durations.map(([s, k]) => html`<option value="${s}"${s === (values.pollDuration ?? 86400) ? html` selected` : ""}>${t(k)}</option>`)}</select>
        </div>
      </fieldset>
    </details>
    <div><button type="submit">${options.submit ?? (values.inReplyTo ? t("social.compose.reply") : t("social.compose.submit"))}</button></div>
  </form>`;
}

/**
 * One image slot: a file picker, or the image an earlier try already uploaded
 * (its id in a hidden field, a box to remove it, and a new pick replaces it).
 */
function imageSlot(
  c: Context<WebEnv>,
  n: number,
  values: ComposeValues,
  errors: FieldErrors,
): Html {
  const t = c.get("t");
  const kept = values.images?.find((i) => i.slot === n);
  const alt = kept?.alt ?? values.alts?.[n] ?? "";
  return html`<fieldset><legend>${t("social.compose.imageN", { n })}</legend>
    ${
      kept
        ? html`<div class="kept-image">
        <img src="${safeUrl(kept.url)}" alt="${alt}" width="96" height="96" loading="lazy" />
        <p class="hint">${t("upload.kept")}</p>
        <input type="hidden" name="kept_${n}" value="${kept.uploadId}" />
        <label><input type="checkbox" name="drop_${n}" value="on" /> ${t("upload.remove")}</label>
      </div>`
        : ""
    }
    ${field({ name: `image_${n}`, label: t("social.compose.imageFile"), type: "file", error: errors[`image_${n}`], accept: "image/*" })}
    ${field({ name: `alt_${n}`, label: t("social.compose.alt"), value: alt, error: errors[`alt_${n}`], hint: t("social.compose.altHint"), maxlength: 1500 })}
  </fieldset>`;
}
