/**
 * Posts that link to one address (Mastodon 4.3's /api/v1/timelines/link): public
 * posts whose content carries an anchor to exactly that URL, newest first, with
 * the public timeline's rules (nothing silenced, suspended, blocked or muted).
 * Mastodon keeps this to trending preview cards; with no cards here, any link counts.
 */
import { sql } from "kysely";
import type { PageRequest } from "../kernel/pagination.ts";
import type { SocialContext } from "./context.ts";
import { limitOf, lowerBound, notFiltered, notLimited, type Page, pageOf } from "./timelines.ts";
import type { ViewerRef } from "./visibility.ts";

/** As the address appears in an href attribute of rendered or sanitized HTML. */
const asAttribute = (url: string) => url.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export async function linkTimeline(
  s: SocialContext,
  viewer: ViewerRef | null,
  url: string,
  req: PageRequest = {},
): Promise<Page> {
  const limit = limitOf(req);
  const { after, upwards } = lowerBound(req);
  const pattern = `%href="${likeEscaped(asAttribute(url))}"%`;
  const rows = await s.db
    .selectFrom("posts as p")
    .select("p.id")
    .where("p.visibility", "=", "public")
    .where("p.reblog_of_id", "is", null)
    .where("p.deleted_at", "is", null)
    // ESCAPE spelt out: SQLite's LIKE has no escape character otherwise.
    .where(sql<boolean>`p.content_html like ${pattern} escape '\\'`)
    .$if(req.maxId !== undefined, (q) => q.where("p.id", "<", req.maxId as string))
    .$if(after !== undefined, (q) => q.where("p.id", ">", after as string))
    .where(notLimited)
    .where(notFiltered(viewer))
    .orderBy("p.id", upwards ? "asc" : "desc")
    .limit(limit + 1)
    .execute();
  return pageOf(
    s,
    viewer,
    rows.map((r) => r.id),
    limit,
    upwards,
  );
}
