/**
 * A member's list timeline: their home feed kept to the accounts in one of
 * their lists, with the list's accounts a condition of the page's query (not a
 * filter over pages already read), so a page comes back full. The home feed's
 * rules hold: nothing suspended, blocked or muted.
 */

import type { SocialContext } from "./context.ts";
import { type Page, type PageRequest, timelinePage } from "./pager.ts";
import { notFiltered, notSuspended } from "./timelines.ts";
import type { ViewerRef } from "./visibility.ts";

/** The list's rows as a timeline source; null when the list is not the member's. */
export async function listSource(s: SocialContext, viewer: ViewerRef, listId: string) {
  const list = await s.db
    .selectFrom("lists")
    .select("id")
    .where("id", "=", listId)
    .where("account_id", "=", viewer.id)
    .executeTakeFirst();
  if (!list) return null;
  const rows = s.db
    .selectFrom("home_entries as h")
    .innerJoin("posts as p", "p.id", "h.post_id")
    .where("h.account_id", "=", viewer.id)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("list_accounts as la")
          .select("la.actor_uri")
          .where("la.list_id", "=", list.id)
          .whereRef("la.actor_uri", "=", "p.author_uri"),
      ),
    )
    .where(notSuspended)
    .where("p.deleted_at", "is", null)
    .where(notFiltered(viewer));
  return { rows, cursor: "h.post_id" };
}

/** null when the list is not the member's. */
export async function listTimeline(
  s: SocialContext,
  viewer: ViewerRef,
  listId: string,
  req: PageRequest = {},
): Promise<Page | null> {
  const source = await listSource(s, viewer, listId);
  return source ? timelinePage(s, viewer, source, req) : null;
}
