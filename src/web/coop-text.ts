/**
 * The co-op's own texts (its description, its rules) as admins write them on
 * /admin: Markdown, so paragraphs, lists and links survive, rendered through the
 * one Markdown path (media/markdown.ts: raw HTML never passes, the result is
 * sanitized). The last rendering of each text is kept: the text rarely changes.
 */
import { raw } from "hono/html";
import { renderMarkdown } from "../media/markdown.ts";
import type { Html } from "./layout.ts";

const rendered = new Map<string, string>();

export function coopMarkdown(source: string, origin: string): Html {
  const key = `${origin}\n${source}`;
  let out = rendered.get(key);
  if (out === undefined) {
    out = renderMarkdown(source, { origin });
    // A handful of texts per node; the bound only guards against churn.
    if (rendered.size > 20) rendered.clear();
    rendered.set(key, out);
  }
  return raw(out);
}
