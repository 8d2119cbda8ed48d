/**
 * What an article page puts in its <head> so links to it unfurl everywhere and
 * search engines read it right: the canonical URL, OpenGraph (https://ogp.me,
 * type `article` with its `article:*` properties), the Twitter card
 * (summary_large_image when there is a cover, else summary) and JSON-LD
 * `Article` (https://schema.org/Article). Pure functions of the article's
 * public facts, so they are tested without a node.
 *
 * Every value goes into an attribute through hono/html's escaping; the JSON-LD
 * goes into a <script type="application/ld+json"> data block, which the CSP
 * never runs, with `<` written as \u003c so no "</script>" in a title can end it.
 */
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { safeUrl } from "../safe-url.ts";

export interface ArticleFacts {
  /** The article's own public address (canonical). */
  url: string;
  title: string;
  summary: string;
  /** BCP 47 language of the article, if known. */
  language: string | null;
  author: { name: string; url: string };
  /** The node's (or publication's) name, for og:site_name and the publisher. */
  siteName: string;
  publishedAt: string;
  modifiedAt: string | null;
  cover: { url: string; alt: string; width: number | null; height: number | null } | null;
  tags: readonly string[];
}

/** og:locale wants ll_CC; a bare language is passed as-is (what most sites do). */
const ogLocale = (language: string | null) => (language ? language.replace("-", "_") : null);

/** A summary short enough for a card: collapsed whitespace, cut at a word, 200 chars max. */
export function cardDescription(summary: string, max = 200): string {
  const text = summary.replace(/\s+/g, " ").trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export function articleJsonLd(a: ArticleFacts): Record<string, unknown> {
  return {
    "@context": "https://schema.org",
    "@type": "Article",
    headline: a.title,
    ...(a.summary ? { description: cardDescription(a.summary) } : {}),
    url: a.url,
    mainEntityOfPage: { "@type": "WebPage", "@id": a.url },
    ...(a.language ? { inLanguage: a.language } : {}),
    author: { "@type": "Person", name: a.author.name, url: a.author.url },
    publisher: { "@type": "Organization", name: a.siteName },
    datePublished: a.publishedAt,
    dateModified: a.modifiedAt ?? a.publishedAt,
    ...(a.cover ? { image: [a.cover.url] } : {}),
    ...(a.tags.length ? { keywords: a.tags.join(", ") } : {}),
  };
}

/** JSON safe inside a JSON-LD data block: no "<" (so no "</script>" or "<!--"), no U+2028/9. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** The <head> lines of an article page (title and stylesheet are the layout's). */
export function articleHead(a: ArticleFacts): HtmlEscapedString | Promise<HtmlEscapedString> {
  const description = cardDescription(a.summary);
  const locale = ogLocale(a.language);
  return html`<link rel="canonical" href="${safeUrl(a.url)}" />
${description ? html`<meta name="description" content="${description}" />` : ""}
<meta name="author" content="${a.author.name}" />
<meta property="og:type" content="article" />
<meta property="og:title" content="${a.title}" />
<meta property="og:url" content="${a.url}" />
<meta property="og:site_name" content="${a.siteName}" />
${description ? html`<meta property="og:description" content="${description}" />` : ""}
${locale ? html`<meta property="og:locale" content="${locale}" />` : ""}
<meta property="article:published_time" content="${a.publishedAt}" />
${a.modifiedAt ? html`<meta property="article:modified_time" content="${a.modifiedAt}" />` : ""}
<meta property="article:author" content="${a.author.url}" />
${a.tags.map((tag) => html`<meta property="article:tag" content="${tag}" />`)}
${
  a.cover
    ? html`<meta property="og:image" content="${a.cover.url}" />
<meta property="og:image:alt" content="${a.cover.alt}" />
${a.cover.width ? html`<meta property="og:image:width" content="${String(a.cover.width)}" />` : ""}
${a.cover.height ? html`<meta property="og:image:height" content="${String(a.cover.height)}" />` : ""}`
    : ""
}
<meta name="twitter:card" content="${a.cover ? "summary_large_image" : "summary"}" />
<meta name="twitter:title" content="${a.title}" />
${description ? html`<meta name="twitter:description" content="${description}" />` : ""}
${a.cover ? html`<meta name="twitter:image" content="${a.cover.url}" /><meta name="twitter:image:alt" content="${a.cover.alt}" />` : ""}
<script type="application/ld+json">${raw(scriptSafeJson(articleJsonLd(a)))}</script>`;
}
