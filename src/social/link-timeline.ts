/**
 * Posts that link to one address (Mastodon 4.3's /api/v1/timelines/link): public
 * posts whose content carries an anchor to exactly that URL, newest first, with
 * the public timeline's rules (nothing silenced, suspended, blocked or muted).
 * Mastodon keeps this to trending preview cards; with no cards here, any link counts.
 */
import { sql } from "kysely";
import type { SocialContext } from "./context.ts";
import { type Page, type PageRequest, timelinePage } from "./pager.ts";
import { notFiltered, notLimited } from "./timelines.ts";
import type { ViewerRef } from "./visibility.ts";

/** As the address appears in an href attribute of rendered or sanitized HTML. */
const asAttribute = (url: string) => url.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** The posts linking to `url` as a timeline source. */
export function linkSource(s: SocialContext, viewer: ViewerRef | null, url: string) {
  const pattern = `%href="${likeEscaped(asAttribute(url))}"%`;
  const rows = s.db
    .selectFrom("posts as p")
    .where("p.visibility", "=", "public")
    .where("p.reblog_of_id", "is", null)
    .where("p.deleted_at", "is", null)
    // ESCAPE spelt out: SQLite's LIKE has no escape character otherwise.
    .where(sql<boolean>`p.content_html like ${pattern} escape '\\'`)
    .where(notLimited)
    .where(notFiltered(viewer));
  return { rows, cursor: "p.id" };
}

export function linkTimeline(
  s: SocialContext,
  viewer: ViewerRef | null,
  url: string,
  req: PageRequest = {},
): Promise<Page> {
  return timelinePage(s, viewer, linkSource(s, viewer, url), req);
}
