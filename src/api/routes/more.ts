/**
 * Search v2 (accounts, hashtags, statuses), lists and their accounts, markers,
 * and reports.
 */
import { Hono } from "hono";
import { z } from "zod";
import { tagUrl } from "../../kernel/uris.ts";
import { searchPosts } from "../../search/search.ts";
import { postByUri, searchTags } from "../../social/api-support.ts";
import {
  addToList,
  createList,
  deleteList,
  listMembers,
  listOf,
  memberLists,
  removeFromList,
  updateList,
} from "../../social/lists.ts";
import { markersOf, markerTimelines, setMarker } from "../../social/markers.ts";
import { report } from "../../social/moderation.ts";
import { audienceOf, hydrate } from "../../social/views.ts";
import { canSee } from "../../social/visibility.ts";
import { requireUser } from "../auth.ts";
import { type ApiDeps, type ApiEnv, memberRef, socialContext } from "../deps.ts";
import { notFound, unprocessable } from "../errors.ts";
import { readParams, truthy } from "../params.ts";
import { actorById, loadAccounts } from "../serializers/account.ts";
import { serializeStatuses } from "../serializers/status.ts";
import { searchAccounts } from "./accounts.ts";
import { groupLists } from "./group-lists.ts";

const listBody = z.object({
  title: z.string().trim().min(1).max(200),
  replies_policy: z.enum(["followed", "list", "none"]).optional(),
  exclusive: z.unknown().optional(),
});

export function moreRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const s = socialContext(deps);
  const l = { db: deps.db, origin: deps.config.origin, domain: deps.config.domain };
  const { db } = deps;

  app.get("/api/v2/search", async (c) => {
    const me = requireUser(c, "read:search");
    const p = z
      .object({
        q: z.string().max(500),
        type: z.enum(["accounts", "hashtags", "statuses"]).optional(),
        limit: z.coerce.number().int().optional(),
        offset: z.coerce.number().int().min(0).optional(),
        account_id: z.string().max(64).optional(),
        resolve: z.unknown().optional(),
      })
      .parse(await readParams(c));
    const limit = Math.max(1, Math.min(40, p.limit ?? 20));
    const q = p.q.trim();
    const want = (t: string) => !p.type || p.type === t;
    const ref = memberRef(deps, me);
    const accounts =
      want("accounts") && q ? await searchAccounts(deps, q, limit, truthy(p.resolve), me) : [];
    const hashtags =
      want("hashtags") && q
        ? (await searchTags(db, ref, q.replace(/^#/, ""), limit)).map((t) => ({
            name: t.tag,
            url: tagUrl(deps.config.origin, t.tag),
            history: [],
          }))
        : [];
    let statuses: unknown[] = [];
    if (want("statuses") && q) {
      let ids: string[];
      if (/^https?:\/\//.test(q)) {
        let found = (await postByUri(db, q))?.id ?? null;
        // Fedify loads only here, when a member asks for a post this node does not have.
        if (!found && truthy(p.resolve)) {
          const { resolveRemotePost } = await import("../../federation/social/resolve-post.ts");
          found = await resolveRemotePost(deps.federation, q).catch(() => null);
        }
        ids = found ? [found] : [];
      } else ids = await searchStatusIds(q, ref, p.account_id, limit, p.offset);
      const views = (await hydrate(s, ref.id, ref.uri, ids)).filter((v) => !v.reblog);
      // A post found by its address is shown only to those who may see it.
      const visible = [];
      for (const v of views) if (await canSee(db, ref, audienceOf(v))) visible.push(v);
      statuses = await serializeStatuses(l, visible, true);
    }
    return c.json({ accounts, statuses, hashtags });
  });

  /** Full-text search (src/search) with Mastodon's query syntax; account_id narrows to one author. */
  async function searchStatusIds(
    q: string,
    viewer: ReturnType<typeof memberRef>,
    accountId: string | undefined,
    limit: number,
    offset: number | undefined,
  ): Promise<string[]> {
    const author = accountId ? await actorById(l, accountId) : undefined;
    if (accountId && !author) return [];
    const hits = await searchPosts({ db, origin: l.origin, domain: l.domain }, viewer, {
      query: q,
      authorUri: author?.uri,
      limit,
      offset,
    });
    return hits.map((h) => h.postId);
  }

  // Lists (docs.joinmastodon.org/methods/lists).
  const listJson = (r: {
    id: string;
    title: string;
    replies_policy: string;
    exclusive: number;
  }) => ({
    id: r.id,
    title: r.title,
    replies_policy: r.replies_policy,
    exclusive: r.exclusive === 1,
  });
  const listInput = (p: z.infer<typeof listBody>) => ({
    title: p.title,
    repliesPolicy: p.replies_policy,
    exclusive: p.exclusive === undefined ? undefined : truthy(p.exclusive),
  });
  app.get("/api/v1/lists", async (c) => {
    const me = requireUser(c, "read:lists");
    // Then the member's groups, read-only (group-lists.ts).
    const own = (await memberLists(db, me.id)).map(listJson);
    return c.json([...own, ...(await groupLists(deps, me))]);
  });
  app.post("/api/v1/lists", async (c) => {
    const me = requireUser(c, "write:lists");
    const p = listBody.parse(await readParams(c));
    return c.json(listJson(await createList(s, me, listInput(p))));
  });
  app.get("/api/v1/lists/:id", async (c) => {
    const row = await listOf(db, requireUser(c, "read:lists").id, c.req.param("id"));
    if (!row) throw notFound();
    return c.json(listJson(row));
  });
  app.put("/api/v1/lists/:id", async (c) => {
    const me = requireUser(c, "write:lists");
    if (!(await listOf(db, me.id, c.req.param("id")))) throw notFound();
    const p = listBody.parse(await readParams(c));
    const result = await updateList(s, me, c.req.param("id"), listInput(p));
    if (!result.ok) throw notFound();
    return c.json(listJson(result.value));
  });
  app.delete("/api/v1/lists/:id", async (c) => {
    if (!(await deleteList(s, requireUser(c, "write:lists"), c.req.param("id")))) throw notFound();
    return c.json({});
  });
  app.get("/api/v1/lists/:id/accounts", async (c) => {
    const me = requireUser(c, "read:lists");
    if (!(await listOf(db, me.id, c.req.param("id")))) throw notFound();
    const uris = await listMembers(db, me.id, c.req.param("id"));
    const accounts = await loadAccounts(l, uris);
    return c.json(uris.flatMap((u) => accounts.get(u) ?? []));
  });
  const accountIds = (p: Record<string, unknown>) =>
    (Array.isArray(p.account_ids) ? p.account_ids : [p.account_ids]).filter(
      (x): x is string => typeof x === "string",
    );
  app.post("/api/v1/lists/:id/accounts", async (c) => {
    const me = requireUser(c, "write:lists");
    const listId = c.req.param("id");
    if (!(await listOf(db, me.id, listId))) throw notFound();
    for (const id of accountIds(await readParams(c))) {
      const actor = await actorById(l, id);
      if (!actor) throw notFound();
      const added = await addToList(s, me, listId, actor.uri);
      if (!added.ok && added.reason === "not-found") throw notFound();
      if (!added.ok) throw unprocessable("You must follow an account to add it to a list");
    }
    return c.json({});
  });
  app.delete("/api/v1/lists/:id/accounts", async (c) => {
    const me = requireUser(c, "write:lists");
    const listId = c.req.param("id");
    if (!(await listOf(db, me.id, listId))) throw notFound();
    for (const id of accountIds(await readParams(c))) {
      const actor = await actorById(l, id);
      if (actor && !(await removeFromList(s, me, listId, actor.uri))) throw notFound();
    }
    return c.json({});
  });

  // Markers (docs.joinmastodon.org/methods/markers): where the member stopped reading.
  const markerJson = (m: { last_read_id: string; version: number; updated_at: string }) => ({
    last_read_id: m.last_read_id,
    version: m.version,
    updated_at: m.updated_at,
  });
  app.get("/api/v1/markers", async (c) => {
    const me = requireUser(c, "read:statuses");
    const rows = await markersOf(db, me.id);
    return c.json(Object.fromEntries(rows.map((r) => [r.timeline, markerJson(r)])));
  });
  app.post("/api/v1/markers", async (c) => {
    const me = requireUser(c, "write:statuses");
    const p = await readParams(c);
    const out: Record<string, unknown> = {};
    for (const timeline of markerTimelines) {
      const given = (p[timeline] as { last_read_id?: unknown } | undefined)?.last_read_id;
      if (typeof given !== "string" || !given || given.length > 100) continue;
      out[timeline] = markerJson(
        await setMarker({ db, clock: deps.clock }, me.id, timeline, given),
      );
    }
    if (Object.keys(out).length === 0)
      throw unprocessable("home or notifications last_read_id is missing");
    return c.json(out);
  });

  app.post("/api/v1/reports", async (c) => {
    const me = requireUser(c, "write:reports");
    const p = z
      .object({
        account_id: z.string().max(100),
        status_ids: z.array(z.string().max(100)).max(50).optional(),
        comment: z.string().max(5000).optional(),
        forward: z.unknown().optional(),
        category: z.string().optional(),
      })
      .parse(await readParams(c));
    const actor = await actorById(l, p.account_id);
    if (!actor) throw notFound();
    const comment = p.comment?.trim() || "Reported from an app";
    const result = await report(s, me, {
      targetUri: actor.uri,
      postIds: p.status_ids ?? [],
      comment,
      forward: truthy(p.forward),
    });
    if (!result.ok)
      throw result.reason === "not-found" ? notFound() : unprocessable("Comment is too long");
    const [account] = [...(await loadAccounts(l, [actor.uri])).values()];
    return c.json({
      id: result.value.id,
      action_taken: false,
      action_taken_at: null,
      category: p.category ?? "other",
      comment,
      forwarded: result.value.forwarded,
      created_at: deps.clock.now().toISOString(),
      status_ids: p.status_ids ?? null,
      rule_ids: null,
      target_account: account,
    });
  });

  return app;
}
