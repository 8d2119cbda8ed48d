/**
 * The compose form folded behind a "New post" button on a phone (a <details>: no
 * script), open on a wide screen (app.css, `.compose-box`): on a phone the
 * timeline starts under the header, not under the whole form (issue 23).
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { WebEnv } from "./context.ts";
import type { Html } from "./layout.ts";

export function composeBox(c: Context<WebEnv>, form: Html): Html {
  return html`<details class="compose-box">
    <summary class="button">${c.get("t")("front.newPost")}</summary>
    ${form}
  </details>`;
}
