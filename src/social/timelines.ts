/**
 * Timelines: home (the member's feed), local (this node's public posts),
 * federated (every public post known here), hashtag, profile and thread. Pages
 * are cut with a max_id cursor: ids are time-ordered, so "older than" is "< id".
 * Public timelines leave out silenced and suspended actors and domains; every
 * timeline leaves out what the viewer blocked or muted.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import type { PageRequest } from "../kernel/pagination.ts";
import type { SocialContext } from "./context.ts";
import { matchesFilters, type PostsEb, type TimelineFilters } from "./timeline-filters.ts";
import { hydrate, type PostView } from "./views.ts";
import { audienceColumns, canSee, type ViewerRef, visibleTo } from "./visibility.ts";

export const PAGE_SIZE = 20;

export interface Page {
  items: PostView[];
  /** The cursor of the next (older) page, if there is one. */
  nextMaxId: string | null;
}

/** The lower bound of a since_id / min_id page, and whether to read upwards from it. */
export const lowerBound = (req: PageRequest) => {
  const after = [req.sinceId, req.minId]
    .filter((x): x is string => !!x)
    .sort()
    .at(-1);
  return { after, upwards: !!req.minId };
};

/** Not by someone the viewer blocked or muted. */
export const notFiltered = (viewer: ViewerRef | null) => (eb: PostsEb) =>
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
const notSuspended = (eb: PostsEb) =>
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

export async function pageOf(
  s: SocialContext,
  viewer: ViewerRef | null,
  ids: string[],
  limit: number,
  upwards = false,
): Promise<Page> {
  // Read upwards from min_id: the page is the first `limit` after it, shown newest first.
  const more = !upwards && ids.length > limit;
  const pageIds = upwards ? ids.slice(0, limit).reverse() : ids.slice(0, limit);
  const items = await hydrate(s, viewer?.id ?? null, viewer?.uri ?? null, pageIds);
  return { items, nextMaxId: more ? (pageIds.at(-1) ?? null) : null };
}

export const limitOf = (req: PageRequest) => Math.min(Math.max(req.limit ?? PAGE_SIZE, 1), 40);

export async function homeTimeline(
  s: SocialContext,
  viewer: ViewerRef,
  req: PageRequest = {},
): Promise<Page> {
  const limit = limitOf(req);
  const { after, upwards } = lowerBound(req);
  const rows = await s.db
    .selectFrom("home_entries as h")
    .innerJoin("posts as p", "p.id", "h.post_id")
    .select("h.post_id")
    .where("h.account_id", "=", viewer.id)
    .where(notSuspended)
    .$if(req.maxId !== undefined, (q) => q.where("h.post_id", "<", req.maxId as string))
    .$if(after !== undefined, (q) => q.where("h.post_id", ">", after as string))
    .where("p.deleted_at", "is", null)
    .where(notFiltered(viewer))
    .orderBy("h.post_id", upwards ? "asc" : "desc")
    .limit(limit + 1)
    .execute();
  return pageOf(
    s,
    viewer,
    rows.map((r) => r.post_id),
    limit,
    upwards,
  );
}

export async function publicTimeline(
  s: SocialContext,
  viewer: ViewerRef | null,
  scope: "local" | "federated",
  req: PageRequest = {},
  filters: TimelineFilters = {},
): Promise<Page> {
  const limit = limitOf(req);
  const { after, upwards } = lowerBound(req);
  const rows = await s.db
    .selectFrom("posts as p")
    .select("p.id")
    .where("p.visibility", "=", "public")
    // Group posts stay in their groups (groups/threads.ts).
    .where("p.audience_uri", "is", null)
    .$if(scope === "local", (q) => q.where("p.local", "=", 1))
    .$if(req.maxId !== undefined, (q) => q.where("p.id", "<", req.maxId as string))
    .$if(after !== undefined, (q) => q.where("p.id", ">", after as string))
    .where("p.deleted_at", "is", null)
    .where("p.reblog_of_id", "is", null)
    .where(notLimited)
    .where(notFiltered(viewer))
    .where(matchesFilters(filters))
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

export async function tagTimeline(
  s: SocialContext,
  viewer: ViewerRef | null,
  tag: string,
  req: PageRequest = {},
  filters: TimelineFilters = {},
): Promise<Page> {
  const limit = limitOf(req);
  const { after, upwards } = lowerBound(req);
  const rows = await s.db
    .selectFrom("post_tags as t")
    .innerJoin("posts as p", "p.id", "t.post_id")
    .select("t.post_id as id")
    .where("t.tag", "=", tag.toLowerCase())
    .where("p.visibility", "=", "public")
    .where("p.hidden_at", "is", null)
    .$if(req.maxId !== undefined, (q) => q.where("t.post_id", "<", req.maxId as string))
    .$if(after !== undefined, (q) => q.where("t.post_id", ">", after as string))
    .where("p.deleted_at", "is", null)
    .where(notLimited)
    .where(notFiltered(viewer))
    .where(matchesFilters(filters))
    // Ordered by the tag index itself (same ids), so the scan walks (tag, post_id) backwards.
    .orderBy("t.post_id", upwards ? "asc" : "desc")
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

/**
 * An author's posts and boosts the viewer may see: followers-only ones for
 * followers; in a members-only group, for the group's members (visibleTo).
 */
export async function profileTimeline(
  s: SocialContext,
  viewer: ViewerRef | null,
  authorUri: string,
  req: PageRequest = {},
  filters: TimelineFilters = {},
): Promise<Page> {
  const limit = limitOf(req);
  const { after, upwards } = lowerBound(req);
  const follower =
    viewer &&
    (viewer.uri === authorUri ||
      !!(await s.db
        .selectFrom("follows")
        .select("id")
        .where("follower_uri", "=", viewer.uri)
        .where("followee_uri", "=", authorUri)
        .where("status", "=", "accepted")
        .executeTakeFirst()));
  const rows = await s.db
    .selectFrom("posts as p")
    .select("p.id")
    .where("p.author_uri", "=", authorUri)
    .where(notSuspended)
    .where(
      "p.visibility",
      "in",
      follower ? ["public", "unlisted", "followers"] : ["public", "unlisted"],
    )
    .where((eb) => eb.or([eb("p.audience_uri", "is", null), eb.and([visibleTo(viewer)(eb)])]))
    .$if(req.maxId !== undefined, (q) => q.where("p.id", "<", req.maxId as string))
    .$if(after !== undefined, (q) => q.where("p.id", ">", after as string))
    .where("p.deleted_at", "is", null)
    .where(matchesFilters(filters))
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

export async function pinnedPosts(
  s: SocialContext,
  viewer: ViewerRef | null,
  accountId: string,
): Promise<PostView[]> {
  const rows = await s.db
    .selectFrom("pins")
    .innerJoin("posts as p", "p.id", "pins.post_id")
    .select("p.id")
    .where("pins.account_id", "=", accountId)
    .where("p.deleted_at", "is", null)
    .orderBy("pins.created_at", "desc")
    .execute();
  return hydrate(
    s,
    viewer?.id ?? null,
    viewer?.uri ?? null,
    rows.map((r) => r.id),
  );
}

export async function bookmarkedPosts(
  s: SocialContext,
  viewer: ViewerRef,
  req: PageRequest = {},
): Promise<Page> {
  const limit = limitOf(req);
  const rows = await s.db
    .selectFrom("bookmarks as b")
    .select("b.post_id")
    .where("b.account_id", "=", viewer.id)
    .$if(req.maxId !== undefined, (q) => q.where("b.post_id", "<", req.maxId as string))
    .orderBy("b.post_id", "desc")
    .limit(limit + 1)
    .execute();
  return pageOf(
    s,
    viewer,
    rows.map((r) => r.post_id),
    limit,
  );
}

/** One post (if the viewer may see it) with the rest of its thread the viewer may see. */
export async function thread(
  s: SocialContext,
  viewer: ViewerRef | null,
  postId: string,
): Promise<{ post: PostView; ancestors: PostView[]; descendants: PostView[] } | null> {
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
  const visible: typeof members = [];
  for (const m of members) if (m.id === postId || (await canSee(s.db, viewer, m))) visible.push(m);
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

/** The posts a member wrote, newest first (for the export). */
export function ownPostIds(db: Kysely<Schema>, accountId: string) {
  return db
    .selectFrom("posts")
    .select("id")
    .where("author_account_id", "=", accountId)
    .orderBy("id", "desc")
    .execute();
}
