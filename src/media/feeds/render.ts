/**
 * Feeds as text: RSS 2.0 (with content:encoded, dc:creator and atom:link
 * rel=self), Atom (RFC 4287) and JSON Feed 1.1. Pure functions of a FeedMeta
 * and its items, so tests check each format's rules without a database.
 *
 * Everything from members goes through `escapeXml` (or JSON.stringify), which
 * also drops the characters XML 1.0 forbids: a title with a control character
 * or a lone surrogate would otherwise make the whole feed unparseable. Content
 * HTML is the post's stored HTML, sanitized when it was written (social/content.ts,
 * media/markdown.ts); here it is only escaped as text, never inserted raw.
 */

export type FeedFormat = "rss" | "atom" | "json";

export const FEED_FORMATS: readonly FeedFormat[] = ["rss", "atom", "json"];

export const FEED_MEDIA_TYPES: Record<FeedFormat, string> = {
  rss: "application/rss+xml; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
  json: "application/feed+json; charset=utf-8",
};

export interface FeedMeta {
  title: string;
  description: string;
  /** The page the feed is of (absolute). */
  homeUrl: string;
  /** This feed in each format (absolute). */
  feedUrls: Record<FeedFormat, string>;
  language: string | null;
  /** The feed's author when it has one (a member's feed). */
  author: { name: string; url: string } | null;
  /** When the feed last changed (its newest item's date; the clock's when empty). */
  updated: string;
  /** The node's name, for RSS's generator and Atom's. */
  generator: string;
}

export interface FeedItem {
  /** Stable and unique: the post's ActivityPub id (an http(s) URI). */
  id: string;
  url: string;
  title: string;
  /** Plain text (an article's summary), or "". */
  summary: string;
  contentHtml: string;
  published: string;
  updated: string;
  author: { name: string; url: string };
  tags: string[];
  /** The first image, absolute, with its media type. */
  image: { url: string; mediaType: string } | null;
  language: string | null;
}

// XML 1.0 allows tab, newline, carriage return and the ranges below; everything
// else (other C0 controls, U+FFFE/U+FFFF, lone surrogates) is dropped.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]|[\uD800-\uDFFF]/gu;

export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML_CHAR, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** For JSON: the same characters dropped, so every format shows the same title. */
const clean = (text: string) => text.replace(NOT_XML_CHAR, "");

const rfc822 = (iso: string) => new Date(iso).toUTCString();
const rfc3339 = (iso: string) => new Date(iso).toISOString();

export function renderFeed(format: FeedFormat, meta: FeedMeta, items: FeedItem[]): string {
  if (format === "rss") return renderRss(meta, items);
  if (format === "atom") return renderAtom(meta, items);
  return renderJsonFeed(meta, items);
}

function renderRss(meta: FeedMeta, items: FeedItem[]): string {
  const x = escapeXml;
  const entries = items.map(
    (i) => `<item>
<title>${x(i.title)}</title>
<link>${x(i.url)}</link>
<guid isPermaLink="false">${x(i.id)}</guid>
<pubDate>${rfc822(i.published)}</pubDate>
<dc:creator>${x(i.author.name)}</dc:creator>
${i.tags.map((t) => `<category>${x(t)}</category>`).join("\n")}
<description>${x(i.summary || i.contentHtml)}</description>
<content:encoded>${x(i.contentHtml)}</content:encoded>
${i.image ? `<enclosure url="${x(i.image.url)}" length="0" type="${x(i.image.mediaType)}"/>` : ""}
</item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>${x(meta.title)}</title>
<link>${x(meta.homeUrl)}</link>
<description>${x(meta.description)}</description>
<atom:link href="${x(meta.feedUrls.rss)}" rel="self" type="application/rss+xml"/>
${meta.language ? `<language>${x(meta.language)}</language>` : ""}
<lastBuildDate>${rfc822(meta.updated)}</lastBuildDate>
<generator>${x(meta.generator)}</generator>
${entries.join("\n")}
</channel>
</rss>
`;
}

function renderAtom(meta: FeedMeta, items: FeedItem[]): string {
  const x = escapeXml;
  const person = (p: { name: string; url: string }) =>
    `<author><name>${x(p.name)}</name><uri>${x(p.url)}</uri></author>`;
  const entries = items.map(
    (i) => `<entry${i.language ? ` xml:lang="${x(i.language)}"` : ""}>
<id>${x(i.id)}</id>
<title type="text">${x(i.title)}</title>
<link rel="alternate" type="text/html" href="${x(i.url)}"/>
<published>${rfc3339(i.published)}</published>
<updated>${rfc3339(i.updated)}</updated>
${person(i.author)}
${i.tags.map((t) => `<category term="${x(t)}"/>`).join("\n")}
${i.summary ? `<summary type="text">${x(i.summary)}</summary>` : ""}
<content type="html">${x(i.contentHtml)}</content>
${i.image ? `<link rel="enclosure" type="${x(i.image.mediaType)}" href="${x(i.image.url)}"/>` : ""}
</entry>`,
  );
  // RFC 4287 4.1.1: a feed without an author needs one in every entry (ours always have).
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"${meta.language ? ` xml:lang="${x(meta.language)}"` : ""}>
<id>${x(meta.feedUrls.atom)}</id>
<title type="text">${x(meta.title)}</title>
<subtitle type="text">${x(meta.description)}</subtitle>
<updated>${rfc3339(meta.updated)}</updated>
<link rel="self" type="application/atom+xml" href="${x(meta.feedUrls.atom)}"/>
<link rel="alternate" type="text/html" href="${x(meta.homeUrl)}"/>
${meta.author ? person(meta.author) : ""}
<generator>${x(meta.generator)}</generator>
${entries.join("\n")}
</feed>
`;
}

function renderJsonFeed(meta: FeedMeta, items: FeedItem[]): string {
  const feed = {
    version: "https://jsonfeed.org/version/1.1",
    title: clean(meta.title),
    home_page_url: meta.homeUrl,
    feed_url: meta.feedUrls.json,
    description: clean(meta.description),
    ...(meta.language ? { language: meta.language } : {}),
    ...(meta.author ? { authors: [{ name: clean(meta.author.name), url: meta.author.url }] } : {}),
    items: items.map((i) => ({
      id: i.id,
      url: i.url,
      title: clean(i.title),
      content_html: clean(i.contentHtml),
      ...(i.summary ? { summary: clean(i.summary) } : {}),
      ...(i.image ? { image: i.image.url } : {}),
      date_published: rfc3339(i.published),
      date_modified: rfc3339(i.updated),
      authors: [{ name: clean(i.author.name), url: i.author.url }],
      ...(i.tags.length ? { tags: i.tags } : {}),
      ...(i.language ? { language: i.language } : {}),
    })),
  };
  return `${JSON.stringify(feed, null, 1)}\n`;
}
