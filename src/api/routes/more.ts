/**
 * Search v2 (accounts, hashtags, statuses), lists and their accounts, markers,
 * and reports.
 */
import { Hono } from "hono";
import { z } from "zod";
import { newId } from "../../kernel/ids.ts";
import { postByUri, searchPostIds, searchTags } from "../../social/api-support.ts";
import { report } from "../../social/moderation.ts";
import { audienceOf, hydrate } from "../../social/views.ts";
import { canSee } from "../../social/visibility.ts";
import { requireUser } from "../auth.ts";
import { type ApiContext, type ApiDeps, type ApiEnv, memberRef, socialContext } from "../deps.ts";
import { notFound, unprocessable } from "../errors.ts";
import { readParams, truthy } from "../params.ts";
import { actorById, loadAccounts } from "../serializers/account.ts";
import { serializeStatuses } from "../serializers/status.ts";
import { searchAccounts } from "./accounts.ts";

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
            url: `${deps.config.origin}/tags/${encodeURIComponent(t.tag)}`,
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
      } else ids = (await searchPostIds(db, q, limit)).map((r) => r.id);
      const views = (await hydrate(s, ref.id, ref.uri, ids)).filter((v) => !v.reblog);
      // A post found by its address is shown only to those who may see it.
      const visible = [];
      for (const v of views) if (await canSee(db, ref, audienceOf(v))) visible.push(v);
      statuses = await serializeStatuses(l, visible, true);
    }
    return c.json({ accounts, statuses, hashtags });
  });

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
  const ownList = async (c: ApiContext, accountId: string) => {
    const row = await db
      .selectFrom("lists")
      .selectAll()
      .where("id", "=", c.req.param("id") ?? "")
      .where("account_id", "=", accountId)
      .executeTakeFirst();
    if (!row) throw notFound();
    return row;
  };
  app.get("/api/v1/lists", async (c) => {
    const me = requireUser(c, "read:lists");
    return c.json(
      (
        await db
          .selectFrom("lists")
          .selectAll()
          .where("account_id", "=", me.id)
          .orderBy("id")
          .execute()
      ).map(listJson),
    );
  });
  app.post("/api/v1/lists", async (c) => {
    const me = requireUser(c, "write:lists");
    const p = listBody.parse(await readParams(c));
    const row = {
      id: newId(),
      account_id: me.id,
      title: p.title,
      replies_policy: p.replies_policy ?? "list",
      exclusive: truthy(p.exclusive) ? 1 : 0,
      created_at: new Date().toISOString(),
    };
    await db.insertInto("lists").values(row).execute();
    return c.json(listJson(row));
  });
  app.get("/api/v1/lists/:id", async (c) =>
    c.json(listJson(await ownList(c, requireUser(c, "read:lists").id))),
  );
  app.put("/api/v1/lists/:id", async (c) => {
    const me = requireUser(c, "write:lists");
    const row = await ownList(c, me.id);
    const p = listBody.parse(await readParams(c));
    const next = {
      title: p.title,
      replies_policy: p.replies_policy ?? row.replies_policy,
      exclusive: p.exclusive === undefined ? row.exclusive : truthy(p.exclusive) ? 1 : 0,
    };
    await db.updateTable("lists").set(next).where("id", "=", row.id).execute();
    return c.json(listJson({ ...row, ...next }));
  });
  app.delete("/api/v1/lists/:id", async (c) => {
    const row = await ownList(c, requireUser(c, "write:lists").id);
    await db.deleteFrom("list_accounts").where("list_id", "=", row.id).execute();
    await db.deleteFrom("lists").where("id", "=", row.id).execute();
    return c.json({});
  });
  app.get("/api/v1/lists/:id/accounts", async (c) => {
    const row = await ownList(c, requireUser(c, "read:lists").id);
    const uris = (
      await db
        .selectFrom("list_accounts")
        .select("actor_uri")
        .where("list_id", "=", row.id)
        .execute()
    ).map((r) => r.actor_uri);
    const accounts = await loadAccounts(l, uris);
    return c.json(uris.flatMap((u) => accounts.get(u) ?? []));
  });
  const accountIds = (p: Record<string, unknown>) =>
    (Array.isArray(p.account_ids) ? p.account_ids : [p.account_ids]).filter(
      (x): x is string => typeof x === "string",
    );
  app.post("/api/v1/lists/:id/accounts", async (c) => {
    const me = requireUser(c, "write:lists");
    const row = await ownList(c, me.id);
    for (const id of accountIds(await readParams(c))) {
      const actor = await actorById(l, id);
      if (!actor) throw notFound();
      // As Mastodon: only accounts the member follows can be in a list.
      const follows = await db
        .selectFrom("follows")
        .select("id")
        .where("follower_uri", "=", memberRef(deps, me).uri)
        .where("followee_uri", "=", actor.uri)
        .where("status", "=", "accepted")
        .executeTakeFirst();
      if (!follows) throw unprocessable("You must follow an account to add it to a list");
      await db
        .insertInto("list_accounts")
        .values({ list_id: row.id, actor_uri: actor.uri, created_at: new Date().toISOString() })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    return c.json({});
  });
  app.delete("/api/v1/lists/:id/accounts", async (c) => {
    const row = await ownList(c, requireUser(c, "write:lists").id);
    for (const id of accountIds(await readParams(c))) {
      const actor = await actorById(l, id);
      if (actor)
        await db
          .deleteFrom("list_accounts")
          .where("list_id", "=", row.id)
          .where("actor_uri", "=", actor.uri)
          .execute();
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
    const rows = await db
      .selectFrom("markers")
      .selectAll()
      .where("account_id", "=", me.id)
      .execute();
    return c.json(Object.fromEntries(rows.map((r) => [r.timeline, markerJson(r)])));
  });
  app.post("/api/v1/markers", async (c) => {
    const me = requireUser(c, "write:statuses");
    const p = await readParams(c);
    const out: Record<string, unknown> = {};
    for (const timeline of ["home", "notifications"] as const) {
      const given = (p[timeline] as { last_read_id?: unknown } | undefined)?.last_read_id;
      if (typeof given !== "string" || !given || given.length > 100) continue;
      const now = new Date().toISOString();
      const before = await db
        .selectFrom("markers")
        .select("version")
        .where("account_id", "=", me.id)
        .where("timeline", "=", timeline)
        .executeTakeFirst();
      const version = (before?.version ?? -1) + 1;
      await db
        .insertInto("markers")
        .values({ account_id: me.id, timeline, last_read_id: given, version, updated_at: now })
        .onConflict((oc) =>
          oc
            .columns(["account_id", "timeline"])
            .doUpdateSet({ last_read_id: given, version, updated_at: now }),
        )
        .execute();
      out[timeline] = markerJson({ last_read_id: given, version, updated_at: now });
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
      forwarded: truthy(p.forward) && !!actor.remote,
      created_at: new Date().toISOString(),
      status_ids: p.status_ids ?? null,
      rule_ids: null,
      target_account: account,
    });
  });

  return app;
}
