/**
 * Highlighted snippets as HTML in which only <mark> survives. The index returns
 * text with the two marker characters around each match (search.ts asks FTS5's
 * snippet() and PostgreSQL's ts_headline for them); the text is escaped, the
 * markers become <mark>, and the sanitizer (the one library path) keeps <mark>
 * alone, closing any left open — a post's own text could hold a marker character.
 */
import { sanitizeHtml } from "../kernel/sanitize-html.ts";

export const MARK_START = "\u0001";
export const MARK_END = "\u0002";
/** How long a snippet without a match (a filter-only search) is, in characters. */
const LEAD_CHARS = 240;

const escapeText = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function markedToHtml(marked: string): string {
  const html = escapeText(marked).replaceAll(MARK_START, "<mark>").replaceAll(MARK_END, "</mark>");
  return sanitizeHtml(html, { allowedTags: ["mark"], allowedAttributes: {} });
}

/** The start of a text, cut at a word, as safe HTML (no highlights). */
export function leadHtml(text: string): string {
  const clean = text.replaceAll(MARK_START, "").replaceAll(MARK_END, "");
  if (clean.length <= LEAD_CHARS) return escapeText(clean);
  const cut = clean.slice(0, LEAD_CHARS);
  const space = cut.lastIndexOf(" ");
  return `${escapeText(cut.slice(0, space > LEAD_CHARS / 2 ? space : LEAD_CHARS))}…`;
}
