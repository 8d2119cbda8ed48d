/**
 * Post content. Members write plain text; it becomes HTML with links, mentions
 * and hashtags marked up as Mastodon does (`<a class="mention u-url">`,
 * `<a class="mention hashtag" rel="tag">`), so other servers render it alike.
 * HTML from other servers is sanitized on arrival with the same allow-list
 * Mastodon's Sanitize::Config::MASTODON_STRICT uses (p, br, span, a, and a few
 * inline tags), and links get rel="nofollow noopener ugc".
 */
import { sanitizeHtml } from "../kernel/sanitize-html.ts";

export const MAX_POST_LENGTH = 5000;
export const MAX_SPOILER_LENGTH = 500;

/** @user or @user@host (host may carry a port, as nodes on loopback addresses do). */
const MENTION =
  /(^|[^\w@/])@([A-Za-z0-9_]{1,30})(?:@([A-Za-z0-9.-]+\.?[A-Za-z0-9-]*(?::\d{1,5})?))?/gu;
const HASHTAG = /(^|[^\p{L}\p{N}_&/#])#([\p{L}\p{N}_]{1,100})/gu;
const URL_RE = /https?:\/\/[^\s<>"]+/g;

export interface MentionRef {
  username: string;
  /** null for a member of this node. */
  host: string | null;
  /** "@user" or "@user@host" as written. */
  text: string;
}

export function parseMentions(text: string, localDomain: string): MentionRef[] {
  const out = new Map<string, MentionRef>();
  const withoutUrls = text.replace(URL_RE, " ");
  for (const m of withoutUrls.matchAll(MENTION)) {
    const username = m[2] as string;
    let host = m[3]?.toLowerCase() ?? null;
    if (host === localDomain.toLowerCase()) host = null;
    const key = `${username.toLowerCase()}@${host ?? ""}`;
    if (!out.has(key))
      out.set(key, { username, host, text: `@${username}${m[3] ? `@${m[3]}` : ""}` });
  }
  return [...out.values()];
}

export function parseHashtags(text: string): string[] {
  const tags = new Set<string>();
  for (const m of text.replace(URL_RE, " ").matchAll(HASHTAG))
    tags.add((m[2] as string).toLowerCase());
  return [...tags];
}

export const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

/** A mention that resolved to an actor: where its link points. */
export interface ResolvedMention {
  text: string;
  url: string;
}

/** Trailing punctuation is not part of a link ("see https://x.org." ends at "org"). */
function splitUrl(url: string): [string, string] {
  const m = /[.,;:!?)\]]+$/.exec(url);
  return m ? [url.slice(0, m.index), m[0]] : [url, ""];
}

/** Plain text to the HTML we store and send: paragraphs, line breaks, links, mentions, tags. */
export function renderText(
  text: string,
  options: { mentions: ResolvedMention[]; tagUrl: (tag: string) => string },
): string {
  const byText = new Map(options.mentions.map((m) => [m.text.toLowerCase(), m.url]));
  const inline = (chunk: string): string => {
    // Links first (so their text is not scanned for mentions or tags), then the rest.
    let out = "";
    let last = 0;
    for (const m of chunk.matchAll(URL_RE)) {
      const [href, tail] = splitUrl(m[0]);
      out += marks(chunk.slice(last, m.index));
      const shown = href.replace(/^https?:\/\//, "");
      out += `<a href="${escapeHtml(href)}" rel="nofollow noopener noreferrer" target="_blank">${escapeHtml(shown)}</a>`;
      last = (m.index ?? 0) + href.length;
      if (tail) {
        out += marks(tail);
        last += tail.length;
      }
    }
    return out + marks(chunk.slice(last));
  };
  const marks = (s: string): string => {
    let html = escapeHtml(s);
    html = html.replace(MENTION, (all, pre: string, user: string, host?: string) => {
      const written = `@${user}${host ? `@${host}` : ""}`;
      const url = byText.get(written.toLowerCase());
      if (!url) return all;
      return `${pre}<span class="h-card"><a href="${escapeHtml(url)}" class="u-url mention">@<span>${user}</span></a></span>`;
    });
    html = html.replace(HASHTAG, (_all, pre: string, tag: string) => {
      const url = options.tagUrl(tag.toLowerCase());
      return `${pre}<a href="${escapeHtml(url)}" class="mention hashtag" rel="tag">#<span>${tag}</span></a>`;
    });
    return html;
  };
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map((p) => `<p>${p.split("\n").map(inline).join("<br>")}</p>`)
    .join("");
}

/** Remote HTML, cleaned to what Mastodon itself keeps. */
export function sanitizeRemoteHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [
      "p",
      "br",
      "span",
      "a",
      "del",
      "pre",
      "code",
      "em",
      "strong",
      "b",
      "i",
      "u",
      "ul",
      "ol",
      "li",
      "blockquote",
    ],
    allowedAttributes: { a: ["href", "class", "rel"], span: ["class"] },
    allowedClasses: {
      a: ["mention", "hashtag", "u-url", "h-card"],
      span: ["h-card", "invisible", "ellipsis"],
    },
    allowedSchemes: ["http", "https"],
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, rel: "nofollow noopener noreferrer ugc", target: "_blank" },
      }),
    },
  });
}

/** Plain text of some HTML (for titles and notifications). */
export function htmlToText(html: string): string {
  return sanitizeHtml(html.replace(/<br\s*\/?>/gi, "\n").replace(/<\/p>/gi, "\n\n"), {
    allowedTags: [],
    allowedAttributes: {},
  })
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .trim();
}
