/**
 * The ONE Markdown rendering path (issue 17): markdown-it with footnotes and
 * heading anchors (markdown-plugins.ts), then the node's sanitizer
 * (kernel/sanitize-html.ts) with an allow-list for articles. Raw HTML in the
 * Markdown is never passed through (markdown-it's `html: false` turns it into
 * text); whatever the parser emits is sanitized anyway, so a bug in a plugin
 * cannot open a hole. Images come only from this node's media library
 * (`/media/…` uploads); any other image is dropped. Nothing here escapes by hand.
 */
import MarkdownIt from "markdown-it";
import { sanitizeHtml } from "../kernel/sanitize-html.ts";
import { footnotes, headingAnchors } from "./markdown-plugins.ts";

/** A longer Markdown source is refused before parsing (markdown-it is linear, but pages are not free). */
export const MAX_ARTICLE_LENGTH = 200_000;

const md = new MarkdownIt("default", {
  html: false,
  linkify: true,
  typographer: true,
})
  .use(footnotes)
  .use(headingAnchors);

export interface RenderOptions {
  /** This node's origin: library images are `${origin}/media/…`. */
  origin: string;
}

const LIBRARY_PATH = /^\/media\/[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/** The absolute URL of a media-library image, or null for anything else (other hosts, `..`). */
export function libraryImageUrl(src: string, origin: string): string | null {
  let url: URL;
  try {
    url = new URL(src, origin);
  } catch {
    return null;
  }
  if (url.origin !== origin || url.search || url.hash) return null;
  if (!LIBRARY_PATH.test(url.pathname) || url.pathname.includes("..")) return null;
  return url.href;
}

const ID = /^(fn|fnref)-\d{1,3}$|^[\p{L}\p{N}-]{1,90}$/u;

function allowList(origin: string) {
  return {
    allowedTags: [
      "p",
      "br",
      "hr",
      "h2",
      "h3",
      "h4",
      "h5",
      "h6",
      "strong",
      "em",
      "s",
      "del",
      "code",
      "pre",
      "blockquote",
      "ul",
      "ol",
      "li",
      "a",
      "img",
      "table",
      "thead",
      "tbody",
      "tr",
      "th",
      "td",
      "sup",
      "section",
    ],
    allowedAttributes: {
      a: ["href", "title", "id", "class", "aria-hidden", "rel"],
      img: ["src", "alt", "title", "loading"],
      h2: ["id"],
      h3: ["id"],
      h4: ["id"],
      h5: ["id"],
      h6: ["id"],
      li: ["id"],
      ol: ["start"],
      sup: ["class"],
      section: ["class"],
      code: ["class"],
      th: ["style"],
      td: ["style"],
    },
    allowedClasses: {
      a: ["heading-anchor", "footnote-back"],
      sup: ["footnote-ref"],
      section: ["footnotes"],
      code: ["language-*"],
    },
    allowedStyles: { "*": { "text-align": [/^(left|right|center)$/] } },
    allowedSchemes: ["http", "https", "mailto"],
    allowedSchemesByTag: { img: ["http", "https"] },
    allowProtocolRelative: false,
    transformTags: {
      // The page's title is the h1; a heading written as "#" comes one level down.
      h1: "h2",
      a: (tagName: string, attribs: Record<string, string>) => {
        const internal = attribs.href?.startsWith("#");
        return {
          tagName,
          attribs: internal ? attribs : { ...attribs, rel: "nofollow noopener noreferrer" },
        };
      },
      img: (tagName: string, attribs: Record<string, string>) => ({
        tagName,
        attribs: {
          ...attribs,
          src: libraryImageUrl(attribs.src ?? "", origin) ?? "",
          loading: "lazy",
        },
      }),
    },
    // Images from elsewhere would be third-party requests from the public page.
    exclusiveFilter: (frame: { tag: string; attribs: Record<string, string> }) =>
      (frame.tag === "img" && !frame.attribs.src) ||
      (frame.attribs.id !== undefined && !ID.test(frame.attribs.id)),
  };
}

/** Markdown → safe HTML for an article. */
export function renderMarkdown(source: string, options: RenderOptions): string {
  const html = md.render(source.slice(0, MAX_ARTICLE_LENGTH), {});
  return sanitizeHtml(html, allowList(options.origin));
}

/** Words a reader reads per minute, for the reading time. */
export const WORDS_PER_MINUTE = 230;

/** Minutes to read the Markdown (at least 1). */
export function readingMinutes(source: string): number {
  const words = source.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)?.length ?? 0;
  return Math.max(1, Math.round(words / WORDS_PER_MINUTE));
}

/** The library images a Markdown source embeds (absolute URLs), in order, for checks and export. */
export function embeddedImages(source: string, origin: string): string[] {
  const found: string[] = [];
  const walk = (tokens: ReturnType<typeof md.parse>) => {
    for (const t of tokens) {
      if (t.type === "image") {
        const src = libraryImageUrl(String(t.attrGet("src") ?? ""), origin);
        if (src) found.push(src);
      }
      if (t.children) walk(t.children);
    }
  };
  walk(md.parse(source.slice(0, MAX_ARTICLE_LENGTH), {}));
  return found;
}
