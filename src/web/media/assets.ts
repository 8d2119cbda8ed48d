/** The media pages' stylesheet and editor script (src/web/static/), served under their content hash like app.css. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { html } from "hono/html";
import { safeUrl } from "../safe-url.ts";

const css = readFileSync(new URL("../static/media.css", import.meta.url));
const hash = createHash("sha256").update(css).digest("base64url").slice(0, 12);

export const mediaStylesheetPath = `/static/media.${hash}.css`;
export const mediaStylesheet = css;

const deskCss = readFileSync(new URL("../static/media-desk.css", import.meta.url));
const deskHash = createHash("sha256").update(deskCss).digest("base64url").slice(0, 12);

/** The desk's stylesheet (editor, workflow, revisions, publications). */
export const deskStylesheetPath = `/static/media-desk.${deskHash}.css`;
export const deskStylesheet = deskCss;

const script = readFileSync(new URL("../static/media-editor.js", import.meta.url));
const scriptHash = createHash("sha256").update(script).digest("base64url").slice(0, 12);

/** The editor's live preview (the only script of the media pages; the article page has none). */
export const mediaScriptPath = `/static/media-editor.${scriptHash}.js`;
export const mediaScript = script;

/** The <link> every media page adds to its <head>; desk pages add the desk's too. */
export const mediaStylesheetLink = (desk = false) =>
  html`<link rel="stylesheet" href="${safeUrl(mediaStylesheetPath)}" />${desk ? html`<link rel="stylesheet" href="${safeUrl(deskStylesheetPath)}" />` : ""}`;
