/** Plain text (the co-op's rules) as paragraphs with line breaks, escaped. */
import { html } from "hono/html";
import type { Html } from "../layout.ts";

export function textToParagraphs(text: string): Html {
  const paragraphs = text
    .replace(/\r\n?/g, "\n")
    .split(/\n{2,}/)
    .filter((p) => p.trim());
  return html`${paragraphs.map((p) => {
    const lines = p.split("\n");
    return html`<p>${lines.map((line, i) => html`${line}${i < lines.length - 1 ? html`<br />` : ""}`)}</p>`;
  })}`;
}
