/**
 * Acting on accounts: follow / unfollow (through the federation core, so a
 * remote follow sends Follow), block / mute, relationships, follow requests,
 * and the lists of blocks and mutes. Mounted before accounts.ts so that
 * /accounts/relationships is not taken for an account id.
 */
import { Hono } from "hono";
import { followersOf, followOf } from "../../federation/follow-lists.ts";
import {
  acceptFollowRequest,
  follow,
  rejectFollowRequest,
  unfollow,
} from "../../federation/follows.ts";
import { memberUri } from "../../kernel/uris.ts";
import { filterActor, listFilters, unfilterActor } from "../../social/moderation.ts";
import { requireUser } from "../auth.ts";
import { type ApiContext, type ApiDeps, type ApiEnv, socialContext } from "../deps.ts";
import { ApiError, notFound } from "../errors.ts";
import { readPage, setLink } from "../pagination.ts";
import { readParams } from "../params.ts";
import { actorById, loadAccounts } from "../serializers/account.ts";
import { relationships } from "../serializers/relationship.ts";

export function accountActionRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const { db, config } = deps;
  const l = { db, origin: config.origin, domain: config.domain };
  const s = socialContext(deps);
  const uriOf = (username: string) => memberUri(config.origin, username);

  const relationshipOf = async (
    c: ApiContext,
    me: { id: string; username: string },
    target: { id: string; uri: string },
  ) => {
    const [r] = await relationships(db, { id: me.id, uri: uriOf(me.username) }, [target]);
    return c.json(r);
  };
  const target = async (c: ApiContext) => {
    const actor = await actorById(l, c.req.param("id") ?? "");
    if (!actor) throw notFound();
    return actor;
  };

  app.get("/api/v1/accounts/relationships", async (c) => {
    const me = requireUser(c, "read:follows");
    const p = await readParams(c);
    const raw = p.id ?? p["id[]"];
    const ids = (Array.isArray(raw) ? raw : [raw])
      .filter((x): x is string => typeof x === "string")
      .slice(0, 40);
    const found = [];
    for (const id of ids) {
      const actor = await actorById(l, id);
      if (actor) found.push({ id, uri: actor.uri });
    }
    return c.json(await relationships(db, { id: me.id, uri: uriOf(me.username) }, found));
  });

  app.post("/api/v1/accounts/:id/follow", async (c) => {
    const me = requireUser(c, "write:follows");
    const actor = await target(c);
    const result = await follow(
      db,
      config.origin,
      me,
      actor.local
        ? { kind: "local", account: actor.local }
        : { kind: "remote", actor: actor.remote as NonNullable<typeof actor.remote> },
      deps.clock,
    );
    if (!result.ok && result.reason === "self")
      throw new ApiError(403, "You cannot follow yourself");
    if (!result.ok && result.reason === "gone") throw notFound();
    return relationshipOf(c, me, { id: c.req.param("id"), uri: actor.uri });
  });

  app.post("/api/v1/accounts/:id/unfollow", async (c) => {
    const me = requireUser(c, "write:follows");
    const actor = await target(c);
    await unfollow(db, config.origin, me, actor.uri);
    return relationshipOf(c, me, { id: c.req.param("id"), uri: actor.uri });
  });

  app.post("/api/v1/accounts/:id/remove_from_followers", async (c) => {
    const me = requireUser(c, "write:follows");
    const actor = await target(c);
    const row = await followOf(db, actor.uri, uriOf(me.username));
    if (row) await rejectFollowRequest(db, me.id, row.id);
    return relationshipOf(c, me, { id: c.req.param("id"), uri: actor.uri });
  });

  for (const kind of ["block", "mute"] as const) {
    app.post(`/api/v1/accounts/:id/${kind}`, async (c) => {
      const me = requireUser(c, `write:${kind}s`);
      const actor = await target(c);
      const result = await filterActor(
        s,
        me,
        { uri: actor.uri, accountId: actor.local?.id ?? null, remoteId: actor.remote?.id ?? null },
        kind,
      );
      if (!result.ok) throw new ApiError(403, `You cannot ${kind} yourself`);
      // As the block page does: the member's own follow of them ends too (Undo(Follow)).
      if (kind === "block") await unfollow(db, config.origin, me, actor.uri);
      return relationshipOf(c, me, { id: c.req.param("id"), uri: actor.uri });
    });
    app.post(`/api/v1/accounts/:id/un${kind}`, async (c) => {
      const me = requireUser(c, `write:${kind}s`);
      const actor = await target(c);
      await unfilterActor(s, me, actor.uri, kind);
      return relationshipOf(c, me, { id: c.req.param("id"), uri: actor.uri });
    });
    app.get(`/api/v1/${kind}s`, async (c) => {
      const me = requireUser(c, `read:${kind}s`);
      const rows = (await listFilters(db, me.id)).filter((r) => r.kind === kind);
      const accounts = await loadAccounts(
        l,
        rows.map((r) => r.target_uri),
      );
      return c.json(rows.flatMap((r) => accounts.get(r.target_uri) ?? []));
    });
  }

  app.get("/api/v1/follow_requests", async (c) => {
    const me = requireUser(c, "read:follows");
    const page = readPage(await readParams(c), { limit: 40, max: 80 });
    const pending = (await followersOf(db, me.id, "pending"))
      .filter((e) => !page.maxId || e.id < page.maxId)
      .slice(0, page.limit);
    const accounts = await loadAccounts(
      l,
      pending.map((e) => e.uri),
    );
    setLink(
      c,
      pending.map((e) => e.id),
      { hasMore: pending.length === page.limit },
    );
    return c.json(pending.flatMap((e) => accounts.get(e.uri) ?? []));
  });

  for (const decision of ["authorize", "reject"] as const) {
    app.post(`/api/v1/follow_requests/:id/${decision}`, async (c) => {
      const me = requireUser(c, "write:follows");
      const actor = await target(c);
      const row = await followOf(db, actor.uri, uriOf(me.username));
      if (row?.status !== "pending") throw notFound();
      const done =
        decision === "authorize"
          ? await acceptFollowRequest(db, me.id, row.id, deps.clock)
          : await rejectFollowRequest(db, me.id, row.id);
      if (!done) throw notFound();
      return relationshipOf(c, me, { id: c.req.param("id"), uri: actor.uri });
    });
  }
  return app;
}
