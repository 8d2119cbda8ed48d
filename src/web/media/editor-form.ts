/**
 * The article editor's form: title, summary, the Markdown body beside its
 * preview, tags, language, cover image with alt text, and (for a new article)
 * where it goes — the member's own blog or a publication they write for.
 * "Preview" submits the form and the server renders the preview on the same
 * page (no JavaScript needed); with JavaScript, media-editor.js refreshes the
 * preview as one types (a CSRF-protected POST to /media/preview).
 */
import type { Context } from "hono";
import { html, raw } from "hono/html";
import { MAX_ALT, MAX_SUMMARY, MAX_TITLE } from "../../media/articles.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, type FieldErrors, field } from "../forms.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { mediaScriptPath } from "./assets.ts";

export interface EditorValues {
  title: string;
  summary: string;
  body: string;
  /** As typed: words separated by spaces or commas, with or without '#'. */
  tags: string;
  language: string;
  coverAlt: string;
  /** The cover already stored (kept when no new file is chosen). */
  coverUploadId: string;
  publicationId: string;
}

export const emptyValues: EditorValues = {
  title: "",
  summary: "",
  body: "",
  tags: "",
  language: "",
  coverAlt: "",
  coverUploadId: "",
  publicationId: "",
};

export interface EditorFormOptions {
  action: string;
  values: EditorValues;
  errors: FieldErrors;
  /** Rendered (sanitized) HTML of the body, when previewing. */
  preview: string | null;
  /** Where a new article may go; null when editing (it stays where it is). */
  publications: { id: string; displayName: string }[] | null;
  coverUrl: string | null;
}

export const tagsFromText = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((t) => t.replace(/^#/, ""))
    .filter(Boolean);

export function editorForm(c: Context<WebEnv>, o: EditorFormOptions): Html {
  const t = c.get("t");
  const v = o.values;
  return html`${errorSummary(c, o.errors)}
  <form method="post" action="${safeUrl(o.action)}" enctype="multipart/form-data" class="article-editor" data-preview="/media/preview">
    ${csrfField(c)}
    <input type="hidden" name="coverUploadId" value="${v.coverUploadId}" />
    ${field({ name: "title", label: t("media.editor.title"), value: v.title, error: o.errors.title, required: true, maxlength: MAX_TITLE })}
    ${field({ name: "summary", label: t("media.editor.summary"), value: v.summary, error: o.errors.summary, hint: t("media.editor.summary.hint"), type: "textarea", maxlength: MAX_SUMMARY })}
    ${
      o.publications
        ? html`<div class="field"><label for="f-publicationId">${t("media.editor.where")}</label>
          <select id="f-publicationId" name="publicationId">
            <option value="">${t("media.editor.ownBlog")}</option>
            ${o.publications.map((p) => html`<option value="${p.id}"${p.id === v.publicationId ? html` selected` : ""}>${p.displayName}</option>`)}
          </select>
          ${o.errors.publicationId ? html`<p class="field-error">${o.errors.publicationId}</p>` : ""}</div>`
        : ""
    }
    <div class="editor-panes">
      <div class="field editor-source">
        <label for="f-body">${t("media.editor.body")}</label>
        <textarea id="f-body" name="body" rows="24" aria-describedby="f-body-hint"${o.errors.body ? html` aria-invalid="true"` : ""}>${v.body}</textarea>
        <p class="hint" id="f-body-hint">${t("media.editor.body.hint")}</p>
        ${o.errors.body ? html`<p class="field-error">${o.errors.body}</p>` : ""}
      </div>
      <section class="editor-preview" aria-labelledby="preview-title" aria-live="polite">
        <h2 id="preview-title">${t("media.editor.preview")}</h2>
        <div class="article-body" id="preview">${o.preview === null ? html`<p class="muted">${t("media.editor.preview.empty")}</p>` : raw(o.preview)}</div>
      </section>
    </div>
    ${field({ name: "tags", label: t("media.editor.tags"), value: v.tags, error: o.errors.tags, hint: t("media.editor.tags.hint") })}
    ${field({ name: "language", label: t("media.editor.language"), value: v.language, error: o.errors.language, hint: t("media.editor.language.hint"), maxlength: 12 })}
    <fieldset class="editor-cover">
      <legend>${t("media.editor.cover")}</legend>
      ${o.coverUrl ? html`<img src="${safeUrl(o.coverUrl)}" alt="${v.coverAlt}" class="cover-thumb" />` : ""}
      ${field({ name: "cover", label: t("media.editor.cover.file"), type: "file", error: o.errors.cover, accept: "image/jpeg,image/png,image/webp,image/gif" })}
      ${field({ name: "coverAlt", label: t("media.editor.cover.alt"), value: v.coverAlt, error: o.errors.coverAlt, hint: t("media.editor.cover.alt.hint"), maxlength: MAX_ALT })}
      ${o.coverUrl ? html`<label class="check"><input type="checkbox" name="removeCover" value="1" /> ${t("media.editor.cover.remove")}</label>` : ""}
    </fieldset>
    <div class="actions">
      <button type="submit" name="intent" value="preview" class="secondary">${t("media.editor.previewButton")}</button>
      <button type="submit" name="intent" value="save">${t("media.editor.save")}</button>
    </div>
  </form>
  <script src="${safeUrl(mediaScriptPath)}" defer></script>`;
}
