/** The media pages' stylesheet (src/web/static/media.css), served under its content hash like app.css. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { html } from "hono/html";
import { safeUrl } from "../safe-url.ts";

const css = readFileSync(new URL("../static/media.css", import.meta.url));
const hash = createHash("sha256").update(css).digest("base64url").slice(0, 12);

export const mediaStylesheetPath = `/static/media.${hash}.css`;
export const mediaStylesheet = css;

/** The <link> every media page adds to its <head>. */
export const mediaStylesheetLink = () =>
  html`<link rel="stylesheet" href="${safeUrl(mediaStylesheetPath)}" />`;
