/**
 * URLs that come from outside, checked once here. Documents from other servers
 * may name any scheme in `url`, `icon` or an attachment (`javascript:`, `data:`),
 * and a browser runs a `javascript:` href in our origin when clicked (issue 14,
 * item 4). So only http(s) URLs from remote documents are stored, and pages link
 * only to http(s) URLs or to paths on this site. A path from input (a `next`
 * parameter) is local only if resolving it against our origin keeps that origin:
 * browsers drop tabs and newlines and read `\` as `/` (WHATWG URL, "basic URL
 * parser"), so `/\t/evil.example` and `/\evil.example` lead elsewhere.
 */

/** Base for resolving paths; any origin serves, we only compare against it. */
const HERE = "http://synco.invalid";
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** An http(s) URL as the URL parser writes it, or null (other schemes, relative, garbage). */
export function httpUrlOrNull(value: string | null | undefined): string | null {
  if (typeof value !== "string" || value.length > 4096) return null;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * A path on this site (`/…`, query and fragment kept, characters percent-encoded
 * as the URL parser writes them), or null when `value` has control characters or
 * would lead to another origin.
 */
export function localPathOrNull(value: unknown): string | null {
  if (typeof value !== "string" || !value.startsWith("/") || value.length > 4096) return null;
  if (CONTROL.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, HERE);
  } catch {
    return null;
  }
  if (url.origin !== HERE) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}
