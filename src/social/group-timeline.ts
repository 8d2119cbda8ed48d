/**
 * A group's posts as one timeline: its threads and their replies, newest first
 * (apps show a member's groups as lists). The rule is the one every listing
 * keeps, `visibleTo`, as a condition of the page's query: a members-only group's
 * posts only for its members, hidden threads never listed, nothing by a
 * suspended author, nor by someone the viewer blocked or muted.
 */
import type { SocialContext } from "./context.ts";
import {
  limitOf,
  lowerBound,
  notFiltered,
  type Page,
  type PageRequest,
  pageOf,
} from "./timelines.ts";
import { type ViewerRef, visibleTo } from "./visibility.ts";

/** The posts whose audience is this Group actor, as `viewer` may see them. */
export async function groupTimeline(
  s: SocialContext,
  viewer: ViewerRef | null,
  audienceUri: string,
  req: PageRequest = {},
): Promise<Page> {
  const limit = limitOf(req);
  const { after, upwards } = lowerBound(req);
  const rows = await s.db
    .selectFrom("posts as p")
    .select("p.id")
    // The (audience_uri, id) index walks the group's posts in order.
    .where("p.audience_uri", "=", audienceUri)
    .where("p.reblog_of_id", "is", null)
    .$if(req.maxId !== undefined, (q) => q.where("p.id", "<", req.maxId as string))
    .$if(after !== undefined, (q) => q.where("p.id", ">", after as string))
    .where(visibleTo(viewer))
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
