/**
 * The text of an HTML fragment, for the search index: tags dropped (a block's end,
 * and a footnote mark's <sup>, become a space, so words do not run together), character
 * references decoded. Not a sanitizer: what it returns is text, to be escaped
 * wherever it is shown. SQLite calls it from the search triggers (db/sqlite.ts
 * registers it as synco_plain_text), so it must stay pure and deterministic.
 */
const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

function decode(entity: string): string {
  if (entity.startsWith("#")) {
    const hex = entity[1] === "x" || entity[1] === "X";
    const code = Number.parseInt(entity.slice(hex ? 2 : 1), hex ? 16 : 10);
    // Only valid, non-control code points: anything else would put junk in the index.
    if (
      Number.isInteger(code) &&
      code >= 32 &&
      code <= 0x10ffff &&
      !(code >= 0xd800 && code < 0xe000)
    )
      return String.fromCodePoint(code);
    return " ";
  }
  return NAMED[entity.toLowerCase()] ?? `&${entity};`;
}

/** Control characters become spaces: search marks its matches with two of them (search/snippets.ts). */
const withoutControls = (s: string) =>
  Array.from(s, (c) => {
    const code = c.charCodeAt(0);
    return code < 32 || code === 127 ? " " : c;
  }).join("");

export function plainText(html: string | null | undefined): string {
  if (!html) return "";
  return withoutControls(html)
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(
      /<\/?(p|br|div|li|ul|ol|h[1-6]|blockquote|pre|tr|td|th|table|figure|figcaption|hr|sup|sub|section|article|aside|header|footer|dt|dd)\b[^>]*>/gi,
      " ",
    )
    .replace(/<[^>]*>/g, "")
    .replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g, (_, e: string) => decode(e))
    .replace(/\s+/g, " ")
    .trim();
}
