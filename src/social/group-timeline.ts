/**
 * A group's posts as one timeline: its threads and their replies, newest first
 * (apps show a member's groups as lists). The rule is the one every listing
 * keeps, `visibleTo`, as a condition of the page's query: a members-only group's
 * posts only for its members, hidden threads never listed, nothing by a
 * suspended author, nor by someone the viewer blocked or muted.
 */
import type { SocialContext } from "./context.ts";
import { type Page, type PageRequest, timelinePage } from "./pager.ts";
import { notFiltered } from "./timelines.ts";
import { type ViewerRef, visibleTo } from "./visibility.ts";

/** The posts whose audience is this Group actor, as `viewer` may see them: a timeline source. */
export function groupSource(s: SocialContext, viewer: ViewerRef | null, audienceUri: string) {
  // The (audience_uri, id) index walks the group's posts in order.
  const rows = s.db
    .selectFrom("posts as p")
    .where("p.audience_uri", "=", audienceUri)
    .where("p.reblog_of_id", "is", null)
    .where(visibleTo(viewer))
    .where(notFiltered(viewer));
  return { rows, cursor: "p.id" };
}

/** A page of the group's posts, hydrated for the viewer. */
export function groupTimeline(
  s: SocialContext,
  viewer: ViewerRef | null,
  audienceUri: string,
  req: PageRequest = {},
): Promise<Page> {
  return timelinePage(s, viewer, groupSource(s, viewer, audienceUri), req);
}
