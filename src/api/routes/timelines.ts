/**
 * Timelines (docs.joinmastodon.org/methods/timelines): home, public (local or
 * remote only), hashtag, link, list; and bookmarks and favourites. Every page,
 * older (max_id) or newer (since_id / min_id), is the social capability's own
 * query, with its filters as conditions of it.
 */
import { Hono } from "hono";
import type { FilterContext } from "../../db/schema/social.ts";
import { isGroupKey, memberGroup } from "../../groups/member-groups.ts";
import { likedPostIds } from "../../social/api-support.ts";
import { groupTimeline } from "../../social/group-timeline.ts";
import { linkTimeline } from "../../social/link-timeline.ts";
import { listTimeline } from "../../social/list-timeline.ts";
import {
  bookmarkedPosts,
  homeTimeline,
  publicTimeline,
  tagTimeline,
} from "../../social/timelines.ts";
import { hydrate, type PostView } from "../../social/views.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { type ApiContext, type ApiDeps, type ApiEnv, memberRef, socialContext } from "../deps.ts";
import { notFound, unprocessable } from "../errors.ts";
import { readPage, setLink } from "../pagination.ts";
import { readParams, truthy } from "../params.ts";
import { serializeFiltered } from "../serializers/filter.ts";
import { serializeStatuses } from "../serializers/status.ts";

export function timelineRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const s = socialContext(deps);
  const l = { db: deps.db, origin: deps.config.origin, domain: deps.config.domain };

  /** Answers a page of views: since_id / min_id cut to newer ones, Link header set. */
  const answer = async (
    c: ApiContext,
    items: PostView[],
    viewer: { id: string; username: string } | null,
    more: boolean,
    context: FilterContext | null,
    cursorOf = (v: PostView) => v.id,
  ) => {
    const ref = viewer ? memberRef(deps, viewer) : null;
    // The viewer's filters (filters v2) hide or mark posts; the cursors still walk every post read.
    const statuses = context
      ? await serializeFiltered(l, items, ref, context)
      : await serializeStatuses(l, items, !!viewer);
    setLink(c, items.map(cursorOf), { hasMore: more });
    return c.json(statuses);
  };
  app.get("/api/v1/timelines/home", async (c) => {
    const me = requireUser(c, "read:statuses");
    const ref = memberRef(deps, me);
    const page = readPage(await readParams(c));
    // since_id / min_id pages are the capability's own query too, with the same rules.
    const got = await homeTimeline(s, ref, {
      maxId: page.maxId,
      sinceId: page.sinceId,
      minId: page.minId,
      limit: page.limit,
    });
    return answer(c, got.items, me, got.nextMaxId !== null, "home");
  });

  app.get("/api/v1/timelines/public", async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const p = await readParams(c);
    const page = readPage(p);
    const got = await publicTimeline(
      s,
      viewer ? memberRef(deps, viewer) : null,
      truthy(p.local) ? "local" : "federated",
      { maxId: page.maxId, sinceId: page.sinceId, minId: page.minId, limit: page.limit },
      { remoteOnly: truthy(p.remote), onlyMedia: truthy(p.only_media) },
    );
    return answer(c, got.items, viewer, got.nextMaxId !== null, "public");
  });

  app.get("/api/v1/timelines/tag/:hashtag", async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const p = await readParams(c);
    const page = readPage(p);
    const got = await tagTimeline(
      s,
      viewer ? memberRef(deps, viewer) : null,
      c.req.param("hashtag").replace(/^#/, ""),
      { maxId: page.maxId, sinceId: page.sinceId, minId: page.minId, limit: page.limit },
      { remoteOnly: truthy(p.remote), onlyMedia: truthy(p.only_media) },
    );
    return answer(c, got.items, viewer, got.nextMaxId !== null, "public");
  });

  app.get("/api/v1/timelines/link", async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const p = await readParams(c);
    const url = typeof p.url === "string" ? p.url.trim() : "";
    if (!/^https?:\/\/\S+$/.test(url) || url.length > 2000)
      throw unprocessable("url must be an http(s) address");
    const page = readPage(p);
    const got = await linkTimeline(s, viewer ? memberRef(deps, viewer) : null, url, {
      maxId: page.maxId,
      sinceId: page.sinceId,
      minId: page.minId,
      limit: page.limit,
    });
    return answer(c, got.items, viewer, got.nextMaxId !== null, "public");
  });

  app.get("/api/v1/timelines/list/:id", async (c) => {
    const me = requireUser(c, "read:lists");
    const page = readPage(await readParams(c));
    const req = { maxId: page.maxId, sinceId: page.sinceId, minId: page.minId, limit: page.limit };
    const id = c.req.param("id");
    // One of the member's groups, shown as a list (group-lists.ts): the group's posts.
    const group = isGroupKey(id) ? await memberGroup(deps.db, deps.config.origin, me, id) : null;
    if (isGroupKey(id) && !group) throw notFound();
    const got = group
      ? await groupTimeline(s, memberRef(deps, me), group.uri, req)
      : await listTimeline(s, memberRef(deps, me), id, req);
    if (!got) throw notFound();
    return answer(c, got.items, me, got.nextMaxId !== null, "home");
  });

  app.get("/api/v1/bookmarks", async (c) => {
    const me = requireUser(c, "read:bookmarks");
    const page = readPage(await readParams(c));
    const got = await bookmarkedPosts(s, memberRef(deps, me), {
      maxId: page.maxId,
      limit: page.limit,
    });
    return answer(c, got.items, me, got.nextMaxId !== null, null);
  });

  app.get("/api/v1/favourites", async (c) => {
    const me = requireUser(c, "read:favourites");
    const ref = memberRef(deps, me);
    const page = readPage(await readParams(c));
    const rows = await likedPostIds(deps.db, ref.uri, { maxId: page.maxId, limit: page.limit });
    const views = await hydrate(
      s,
      ref.id,
      ref.uri,
      rows.map((r) => r.post_id),
    );
    const likeIdOf = new Map(rows.map((r) => [r.post_id, r.id]));
    return answer(
      c,
      views,
      me,
      rows.length === page.limit,
      null,
      (v) => likeIdOf.get(v.id) ?? v.id,
    );
  });
  return app;
}
