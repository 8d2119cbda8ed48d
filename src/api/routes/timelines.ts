/**
 * Timelines (docs.joinmastodon.org/methods/timelines): home, public (local or
 * remote only), hashtag, link, list; and bookmarks and favourites. Every page,
 * older (max_id) or newer (since_id / min_id), is the social capability's own
 * query, with its filters as conditions of it.
 */
import { Hono } from "hono";
import type { FilterContext } from "../../db/schema/social.ts";
import { isGroupKey, memberGroup } from "../../groups/member-groups.ts";
import { groupSource } from "../../social/group-timeline.ts";
import { linkSource } from "../../social/link-timeline.ts";
import { listSource } from "../../social/list-timeline.ts";
import { type IdPage, timelinePageIds } from "../../social/pager.ts";
import { tagSource } from "../../social/timelines.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { type ApiContext, type ApiDeps, type ApiEnv, memberRef, socialContext } from "../deps.ts";
import { notFound, unprocessable } from "../errors.ts";
import { readPage, setLink } from "../pagination.ts";
import { readParams, truthy } from "../params.ts";
import { POST_COLUMNS, renderStatuses, statusArray } from "../status-json.ts";
import { bookmarkPageIds, favouritePageIds, homePageIds, publicPageIds } from "../status-pages.ts";

export function timelineRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const s = socialContext(deps);
  const l = { db: deps.db, origin: deps.config.origin, domain: deps.config.domain };

  /** Answers a page of ids: its statuses as JSON text (status-json.ts), and the Link header. */
  const answerIds = async (
    c: ApiContext,
    page: IdPage,
    viewer: { id: string; username: string } | null,
    context: FilterContext | null,
  ) => {
    const rendered = await renderStatuses(s, l, viewerOf(viewer), page.ids, context, page.posts);
    // The cursors of the posts read (deleted ones left out), filtered or not, as answer's.
    const cursorOf = new Map(page.ids.map((id, i) => [id, page.cursors[i] ?? id]));
    setLink(
      c,
      rendered.present.map((id) => cursorOf.get(id) ?? id),
      { hasMore: page.nextMaxId !== null },
    );
    return c.body(statusArray(rendered), 200, { "content-type": "application/json" });
  };
  const viewerOf = (viewer: { id: string; username: string } | null) =>
    viewer ? memberRef(deps, viewer) : null;

  app.get("/api/v1/timelines/home", async (c) => {
    const me = requireUser(c, "read:statuses");
    const page = readPage(await readParams(c));
    return answerIds(c, await homePageIds(deps.db, { viewerId: me.id }, page), me, "home");
  });

  app.get("/api/v1/timelines/public", async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const p = await readParams(c);
    const args = {
      viewerId: viewer?.id ?? "",
      local: truthy(p.local) ? "1" : "0",
      remote: truthy(p.remote) ? "1" : "0",
      media: truthy(p.only_media) ? "1" : "0",
    };
    return answerIds(c, await publicPageIds(deps.db, args, readPage(p)), viewer, "public");
  });

  app.get("/api/v1/timelines/tag/:hashtag", async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const p = await readParams(c);
    const source = tagSource(s, viewerOf(viewer), c.req.param("hashtag").replace(/^#/, ""), {
      remoteOnly: truthy(p.remote),
      onlyMedia: truthy(p.only_media),
    });
    return answerIds(c, await timelinePageIds(source, readPage(p), POST_COLUMNS), viewer, "public");
  });

  app.get("/api/v1/timelines/link", async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const p = await readParams(c);
    const url = typeof p.url === "string" ? p.url.trim() : "";
    if (!/^https?:\/\/\S+$/.test(url) || url.length > 2000)
      throw unprocessable("url must be an http(s) address");
    const source = linkSource(s, viewerOf(viewer), url);
    return answerIds(c, await timelinePageIds(source, readPage(p), POST_COLUMNS), viewer, "public");
  });

  app.get("/api/v1/timelines/list/:id", async (c) => {
    const me = requireUser(c, "read:lists");
    const page = readPage(await readParams(c));
    const id = c.req.param("id");
    // One of the member's groups, shown as a list (group-lists.ts): the group's posts.
    const group = isGroupKey(id) ? await memberGroup(deps.db, deps.config.origin, me, id) : null;
    if (isGroupKey(id) && !group) throw notFound();
    const source = group
      ? groupSource(s, memberRef(deps, me), group.uri)
      : await listSource(s, memberRef(deps, me), id);
    if (!source) throw notFound();
    return answerIds(c, await timelinePageIds(source, page, POST_COLUMNS), me, "home");
  });

  app.get("/api/v1/bookmarks", async (c) => {
    const me = requireUser(c, "read:bookmarks");
    const page = readPage(await readParams(c));
    const ref = memberRef(deps, me);
    const args = { viewerId: ref.id, viewerUri: ref.uri };
    return answerIds(c, await bookmarkPageIds(deps.db, args, page), me, null);
  });

  // Paged by the like's id (Mastodon's Link header on favourites carries it too).
  app.get("/api/v1/favourites", async (c) => {
    const me = requireUser(c, "read:favourites");
    const page = readPage(await readParams(c));
    const ref = memberRef(deps, me);
    const args = { viewerId: ref.id, viewerUri: ref.uri };
    return answerIds(c, await favouritePageIds(deps.db, args, page), me, null);
  });
  return app;
}
