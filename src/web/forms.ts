/**
 * Accessible form pieces shared by every page (accounts, social, groups,
 * federation): every input has a label, hints and errors are tied to it with
 * aria-describedby, and a field with an error carries aria-invalid with the
 * message right below it.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import { InputError } from "../kernel/errors.ts";
import { bareObject, isUnsafeKey } from "../kernel/object-keys.ts";
import type { WebEnv } from "./context.ts";
import type { Html } from "./layout.ts";

export type FieldErrors = Record<string, string>;

export function csrfField(c: Context<WebEnv>): Html {
  return html`<input type="hidden" name="_csrf" value="${c.get("csrfToken")}" />`;
}

export interface FieldOptions {
  name: string;
  label: string;
  type?: "text" | "email" | "password" | "number" | "url" | "file" | "textarea";
  value?: string;
  error?: string | undefined;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  maxlength?: number;
  accept?: string;
  extra?: string;
}

export function field(o: FieldOptions): Html {
  const id = `f-${o.name}`;
  const described = [o.hint ? `${id}-hint` : "", o.error ? `${id}-error` : ""]
    .filter(Boolean)
    .join(" ");
  const common = html`id="${id}" name="${o.name}"${o.required ? html` required` : ""}${
    o.error ? html` aria-invalid="true"` : ""
  }${described ? html` aria-describedby="${described}"` : ""}${
    o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ""
  }${o.maxlength ? html` maxlength="${o.maxlength}"` : ""}`;
  const control =
    o.type === "textarea"
      ? html`<textarea ${common}>${o.value ?? ""}</textarea>`
      : o.type === "file"
        ? html`<input type="file" ${common} accept="${o.accept ?? "image/*"}" />`
        : html`<input type="${o.type ?? "text"}" ${common} value="${o.type === "password" ? "" : (o.value ?? "")}" />`;
  return html`<div class="field">
    <label for="${id}">${o.label}</label>
    ${control}
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ""}
    ${o.error ? html`<p class="field-error" id="${id}-error">${o.error}</p>` : ""}
  </div>`;
}

/**
 * The box above a form that says something is wrong, with a link to each field
 * in error (role="alert", so screen readers announce it when the page loads).
 */
export function errorSummary(c: Context<WebEnv>, errors: FieldErrors, message?: string): Html {
  const entries = Object.entries(errors);
  if (!message && entries.length === 0) return html``;
  return html`<div class="errors" role="alert">
    <p>${message ?? c.get("t")("form.fix")}</p>
    ${
      entries.length > 0
        ? html`<ul>${entries.map(([name, text]) => html`<li><a href="#f-${name}">${text}</a></li>`)}</ul>`
        : ""
    }
  </div>`;
}

export function notice(text: string | undefined, kind: "ok" | "" = "ok"): Html {
  return text ? html`<p class="notice ${kind}" role="status">${text}</p>` : html``;
}

/**
 * Reads a url-encoded or multipart form; every value as a string (files dropped),
 * in an object without a prototype. A field named like a prototype
 * (kernel/object-keys.ts) ends the request with 400.
 */
export async function readForm(c: Context<WebEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  refuseUnsafeNames(c, body);
  const out = bareObject<string>();
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
  return out;
}

/** 400 when a form field is named __proto__, constructor or prototype. */
export function refuseUnsafeNames(c: Context<WebEnv>, body: Record<string, unknown>): void {
  if (Object.keys(body).some(isUnsafeKey)) throw new InputError(c.get("t")("form.unsafeName"), 400);
}

/** The exact date of a moment in the page's language: one format for every page (web/time.ts). */
export { exactDate as formatDate } from "./time.ts";

/**
 * A wide table scrolls sideways inside its own box on a phone instead of widening
 * the page; the box is a labelled region that takes focus, so keyboards can scroll it.
 */
export function scrollBox(label: string, table: Html): Html {
  return html`<div class="table-scroll" role="region" aria-label="${label}" tabindex="0">${table}</div>`;
}
