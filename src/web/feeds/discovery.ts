/**
 * Feed autodiscovery: `<link rel="alternate" type=…>` in a page's head, one per
 * format, so readers (and browsers' "subscribe") find the feed from the page's
 * address alone. Pages pass the result to layout() as its `head`.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import { FEED_FORMATS } from "../../media/feeds/render.ts";
import type { WebEnv } from "../context.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";

const TYPES = {
  rss: "application/rss+xml",
  atom: "application/atom+xml",
  json: "application/feed+json",
} as const;

/** The path of a page's feed in one format: `/@ann` → `/@ann/feed.rss`. */
export const feedPath = (pagePath: string, format: keyof typeof TYPES) =>
  `${pagePath}/feed.${format}`;

/** Autodiscovery links for the feeds of the page at `pagePath`, titled `title`. */
export function feedLinks(c: Context<WebEnv>, pagePath: string, title: string): Html {
  const t = c.get("t");
  return html`${FEED_FORMATS.map(
    (f) =>
      html`<link rel="alternate" type="${TYPES[f]}" title="${t(`feeds.link.${f}`, { title })}" href="${safeUrl(feedPath(pagePath, f))}" />
`,
  )}`;
}
