/**
 * Timelines: home (the member's feed), local (this node's public posts),
 * federated (every public post known here), hashtag, profile, bookmarks and
 * favourites, and threads. Each timeline is a source for the one pager
 * (pager.ts): its rows and conditions, and the id column its cursor walks; ids
 * are time-ordered, so "older than" is "< id". Public timelines leave out
 * silenced and suspended actors and domains; every timeline leaves out what the
 * viewer blocked or muted.
 */
import { type Kysely, sql } from "kysely";
import type { Schema } from "../db/schema.ts";
import type { SocialContext } from "./context.ts";
import { isFollowing } from "./following.ts";
import { type Page, type PageRequest, timelinePage } from "./pager.ts";
import { matchesFilters, type PostsEb, type TimelineFilters } from "./timeline-filters.ts";
import { hydrate, type PostView } from "./views.ts";
import { audienceColumns, canSee, type ViewerRef, visibleTo } from "./visibility.ts";

export { PAGE_SIZE, type Page, type PageRequest } from "./pager.ts";

/** Not by someone the viewer blocked or muted. */
export const notFiltered = (viewer: Pick<ViewerRef, "id"> | null) => (eb: PostsEb) =>
  viewer
    ? eb.not(
        eb.exists(
          eb
            .selectFrom("actor_filters as f")
            .select("f.kind")
            .where("f.account_id", "=", viewer.id)
            .whereRef("f.target_uri", "=", "p.author_uri"),
        ),
      )
    : eb.lit(true);

/** Not by a suspended actor (silenced ones still reach their followers). */
export const notSuspended = (eb: PostsEb) =>
  eb.not(
    eb.exists(
      eb
        .selectFrom("actor_limits as l")
        .select("l.level")
        .whereRef("l.actor_uri", "=", "p.author_uri")
        .where("l.level", "=", "suspend"),
    ),
  );

/** Not by a silenced or suspended actor, nor from a silenced or suspended domain (public timelines and streams). */
export const notLimited = (eb: PostsEb) =>
  eb.and([
    eb.not(
      eb.exists(
        eb
          .selectFrom("actor_limits as l")
          .select("l.level")
          .whereRef("l.actor_uri", "=", "p.author_uri"),
      ),
    ),
    eb.or([
      eb("p.author_remote_id", "is", null),
      eb.not(
        eb.exists(
          eb
            .selectFrom("remote_actors as ra")
            .innerJoin("domain_policies as d", "d.domain", "ra.host")
            .select("d.policy")
            .whereRef("ra.id", "=", "p.author_remote_id")
            .where("d.policy", "in", ["silence", "suspend"]),
        ),
      ),
    ]),
  ]);

/** The home timeline as a source for the pager (homeTimeline; the client API pages its ids). */
export function homeSource(s: Pick<SocialContext, "db">, viewer: Pick<ViewerRef, "id">) {
  const rows = s.db
    .selectFrom("home_entries as h")
    .innerJoin("posts as p", "p.id", "h.post_id")
    .where("h.account_id", "=", viewer.id)
    .where(notSuspended)
    .where("p.deleted_at", "is", null)
    .where(notFiltered(viewer));
  return { rows, cursor: "h.post_id" };
}

export function homeTimeline(
  s: SocialContext,
  viewer: ViewerRef,
  req: PageRequest = {},
): Promise<Page> {
  return timelinePage(s, viewer, homeSource(s, viewer), req);
}

/** The local or federated timeline as a source for the pager. */
export function publicSource(
  s: Pick<SocialContext, "db">,
  viewer: Pick<ViewerRef, "id"> | null,
  scope: "local" | "federated",
  filters: TimelineFilters = {},
) {
  const rows = s.db
    .selectFrom("posts as p")
    .where("p.visibility", "=", "public")
    // Group posts stay in their groups (groups/threads.ts).
    .where("p.audience_uri", "is", null)
    .$if(scope === "local", (q) => q.where("p.local", "=", 1))
    .where("p.deleted_at", "is", null)
    // Not a boost, written so no index can serve it: SQLite's statistics average
    // reblog_of_id's rare values, so with boosts in the table it would walk the
    // posts_reblog index over every non-boost and sort them (6 s at 100,000 posts),
    // instead of walking posts_public(_local) backwards and stopping at the page's end.
    .where(sql<boolean>`coalesce(${sql.ref("p.reblog_of_id")}, '') = ''`)
    .where(notLimited)
    .where(notFiltered(viewer))
    .where(matchesFilters(filters));
  return { rows, cursor: "p.id" };
}

export function publicTimeline(
  s: SocialContext,
  viewer: ViewerRef | null,
  scope: "local" | "federated",
  req: PageRequest = {},
  filters: TimelineFilters = {},
): Promise<Page> {
  return timelinePage(s, viewer, publicSource(s, viewer, scope, filters), req);
}

/** A hashtag's timeline as a source for the pager. */
export function tagSource(
  s: SocialContext,
  viewer: ViewerRef | null,
  tag: string,
  filters: TimelineFilters = {},
) {
  const rows = s.db
    .selectFrom("post_tags as t")
    .innerJoin("posts as p", "p.id", "t.post_id")
    .where("t.tag", "=", tag.toLowerCase())
    // Public posts, as Mastodon lists them; a group's posts (a members-only group's
    // too), for those who may see them: hidden threads are never listed.
    .where((eb) =>
      eb.or([
        eb.and([eb("p.visibility", "=", "public"), eb("p.audience_uri", "is", null)]),
        eb.and([eb("p.audience_uri", "is not", null), visibleTo(viewer)(eb)]),
      ]),
    )
    .where("p.deleted_at", "is", null)
    .where(notLimited)
    .where(notFiltered(viewer))
    .where(matchesFilters(filters));
  // Cut and ordered by the tag index itself (same ids), so the scan walks (tag, post_id) backwards.
  return { rows, cursor: "t.post_id" };
}

export function tagTimeline(
  s: SocialContext,
  viewer: ViewerRef | null,
  tag: string,
  req: PageRequest = {},
  filters: TimelineFilters = {},
): Promise<Page> {
  return timelinePage(s, viewer, tagSource(s, viewer, tag, filters), req);
}

/**
 * An author's posts and boosts the viewer may see: followers-only ones for
 * followers; in a members-only group, for the group's members (visibleTo).
 */
/** Whether the viewer sees the author's followers-only posts (their own, or an accepted follow). */
export async function followsAuthor(
  s: Pick<SocialContext, "db">,
  viewer: ViewerRef | null,
  authorUri: string,
): Promise<boolean> {
  return !!viewer && (viewer.uri === authorUri || (await isFollowing(s.db, viewer.uri, authorUri)));
}

export async function profileSource(
  s: SocialContext,
  viewer: ViewerRef | null,
  authorUri: string,
  filters: TimelineFilters = {},
) {
  return profileRows(s, viewer, authorUri, await followsAuthor(s, viewer, authorUri), filters);
}

/**
 * An author's posts the viewer may see, `follower` as followsAuthor says: the values
 * (viewer, author, tag) only as values, so the query can be compiled once per form.
 */
export function profileRows(
  s: Pick<SocialContext, "db">,
  viewer: ViewerRef | null,
  authorUri: string,
  follower: boolean,
  filters: TimelineFilters = {},
) {
  const rows = s.db
    .selectFrom("posts as p")
    .where("p.author_uri", "=", authorUri)
    .where(notSuspended)
    // A group post's "followers" are the group's members, not the author's (visibleTo).
    .where((eb) =>
      eb.or([
        eb.and([
          eb("p.audience_uri", "is", null),
          eb(
            "p.visibility",
            "in",
            follower ? ["public", "unlisted", "followers"] : ["public", "unlisted"],
          ),
        ]),
        eb.and([eb("p.audience_uri", "is not", null), visibleTo(viewer)(eb)]),
      ]),
    )
    .where("p.deleted_at", "is", null)
    .where(matchesFilters(filters));
  return { rows, cursor: "p.id" };
}

export async function profileTimeline(
  s: SocialContext,
  viewer: ViewerRef | null,
  authorUri: string,
  req: PageRequest = {},
  filters: TimelineFilters = {},
): Promise<Page> {
  return timelinePage(s, viewer, await profileSource(s, viewer, authorUri, filters), req);
}

export async function pinnedPosts(
  s: SocialContext,
  viewer: ViewerRef | null,
  accountId: string,
): Promise<PostView[]> {
  return hydrate(
    s,
    viewer?.id ?? null,
    viewer?.uri ?? null,
    await pinnedPostIds(s, viewer, accountId),
  );
}

/** The ids of a member's pinned posts the viewer may see, newest pin first (the client API renders them itself). */
export async function pinnedPostIds(
  s: Pick<SocialContext, "db">,
  viewer: ViewerRef | null,
  accountId: string,
): Promise<string[]> {
  const rows = await s.db
    .selectFrom("pins")
    .innerJoin("posts as p", "p.id", "pins.post_id")
    .select("p.id")
    .where("pins.account_id", "=", accountId)
    // A pinned group post whose thread was hidden since is no longer shown.
    .where(visibleTo(viewer))
    .orderBy("pins.created_at", "desc")
    .execute();
  return rows.map((r) => r.id);
}

/** A member's bookmarks, by the bookmarked post's id (tombstoning a post drops its bookmarks). */
export function bookmarkedPosts(
  s: SocialContext,
  viewer: ViewerRef,
  req: PageRequest = {},
): Promise<Page> {
  return timelinePage(s, viewer, bookmarksSource(s, viewer), req);
}

export function bookmarksSource(s: SocialContext, viewer: ViewerRef) {
  const rows = s.db.selectFrom("bookmarks as b").where("b.account_id", "=", viewer.id);
  return { rows, cursor: "b.post_id" };
}

/** Posts a member liked, newest like first: the cursor is the like's id, as in Mastodon. */
export function favouritedPosts(
  s: SocialContext,
  viewer: ViewerRef,
  req: PageRequest = {},
): Promise<Page> {
  return timelinePage(s, viewer, favouritesSource(s, viewer), req);
}

export function favouritesSource(s: SocialContext, viewer: ViewerRef) {
  const rows = s.db
    .selectFrom("likes as l")
    .innerJoin("posts as p", "p.id", "l.post_id")
    .where("l.actor_uri", "=", viewer.uri)
    .where("p.deleted_at", "is", null);
  return { rows, cursor: "l.id", postId: "l.post_id" };
}

/**
 * The ids of a post's thread the viewer may see, above it and below it (null when
 * the viewer may not see the post, or it is a boost). The post itself may still
 * turn out deleted when it is read.
 */
export async function threadIds(
  s: SocialContext,
  viewer: ViewerRef | null,
  postId: string,
): Promise<{ ancestors: string[]; descendants: string[] } | null> {
  const post = await s.db
    .selectFrom("posts")
    .select([...audienceColumns, "thread_id", "reblog_of_id"])
    .where("id", "=", postId)
    .executeTakeFirst();
  if (!post || post.reblog_of_id || !(await canSee(s.db, viewer, post))) return null;
  const members = await s.db
    .selectFrom("posts")
    .select([...audienceColumns, "in_reply_to_id"])
    .where("thread_id", "=", post.thread_id)
    .where("deleted_at", "is", null)
    .orderBy("id")
    .limit(500)
    .execute();
  // Which authors are suspended, for the whole thread at once: canSee asked it post by
  // post, a round trip each. A public or unlisted post outside groups, not hidden, by
  // an author not suspended is visible (canSee's own rules); the others go through canSee.
  const authors = [...new Set(members.flatMap((m) => (m.id === postId ? [] : [m.author_uri])))];
  const suspended = new Set(
    (authors.length === 0
      ? []
      : await s.db
          .selectFrom("actor_limits")
          .select("actor_uri")
          .where("actor_uri", "in", authors)
          .where("level", "=", "suspend")
          .execute()
    ).map((r) => r.actor_uri),
  );
  const plainlyVisible = (m: (typeof members)[number]) =>
    !m.audience_uri && !m.hidden_at && (m.visibility === "public" || m.visibility === "unlisted");
  const visible: typeof members = [];
  for (const m of members) {
    if (m.id === postId) visible.push(m);
    else if (suspended.has(m.author_uri)) continue;
    else if (plainlyVisible(m) || (await canSee(s.db, viewer, m))) visible.push(m);
  }
  const byId = new Map(visible.map((m) => [m.id, m]));
  const ancestors: string[] = [];
  for (
    let at = byId.get(postId)?.in_reply_to_id;
    at && byId.has(at);
    at = byId.get(at)?.in_reply_to_id
  )
    ancestors.unshift(at);
  // Descendants: everything below this post, in order of writing.
  const below = new Set([postId]);
  const descendants: string[] = [];
  for (const m of visible)
    if (m.in_reply_to_id && below.has(m.in_reply_to_id) && m.id !== postId) {
      below.add(m.id);
      descendants.push(m.id);
    }
  return { ancestors, descendants };
}

/** One post (if the viewer may see it) with the rest of its thread the viewer may see. */
export async function thread(
  s: SocialContext,
  viewer: ViewerRef | null,
  postId: string,
): Promise<{ post: PostView; ancestors: PostView[]; descendants: PostView[] } | null> {
  const ids = await threadIds(s, viewer, postId);
  if (!ids) return null;
  const { ancestors, descendants } = ids;
  const views = await hydrate(s, viewer?.id ?? null, viewer?.uri ?? null, [
    postId,
    ...ancestors,
    ...descendants,
  ]);
  const find = (id: string) => views.find((v) => v.id === id);
  const main = find(postId);
  if (!main) return null;
  return {
    post: main,
    ancestors: ancestors.flatMap((id) => find(id) ?? []),
    descendants: descendants.flatMap((id) => find(id) ?? []),
  };
}

/**
 * One post by id as the viewer may see it: a thread's post, or the viewer's own
 * boost (a boost is not part of a thread; by id it is shown only to its booster).
 */
export async function postView(
  s: SocialContext,
  viewer: ViewerRef | null,
  postId: string,
): Promise<PostView | null> {
  const found = await thread(s, viewer, postId);
  if (found) return found.post;
  if (!viewer) return null;
  const [boost] = await hydrate(s, viewer.id, viewer.uri, [postId]);
  return boost?.reblog && boost.author.uri === viewer.uri ? boost : null;
}

/** The posts a member wrote, newest first (for the export). */
export function ownPostIds(db: Kysely<Schema>, accountId: string) {
  return db
    .selectFrom("posts")
    .select("id")
    .where("author_account_id", "=", accountId)
    .orderBy("id", "desc")
    .execute();
}

/**
 * Whether the viewer may read this post by its id, as postView decides it: a post
 * of a thread they may see, or their own boost. Deletion is left to whoever reads
 * the post (it is shown only if not deleted).
 */
export async function mayReadPost(
  s: SocialContext,
  viewer: ViewerRef | null,
  postId: string,
): Promise<boolean> {
  const post = await s.db
    .selectFrom("posts")
    .select([...audienceColumns, "reblog_of_id"])
    .where("id", "=", postId)
    .executeTakeFirst();
  if (!post) return false;
  if (!post.reblog_of_id) return canSee(s.db, viewer, post);
  return !!viewer && post.author_uri === viewer.uri;
}
