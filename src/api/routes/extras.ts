/**
 * Smaller endpoints apps call when opening a profile, a hashtag or the
 * directory (Tusky, Ice Cubes and Elk ask for these and show an error on a 404):
 * familiar followers, an account's featured tags and the member's lists that
 * contain it, private notes, hashtags, scheduled statuses, the directory.
 * Mounted before accounts.ts so /accounts/familiar_followers is not taken for an id.
 */
import { Hono } from "hono";
import { memberDirectory } from "../../accounts/accounts.ts";
import { memberUri, tagUrl } from "../../kernel/uris.ts";
import {
  followedTags,
  followingTags,
  followTag,
  MAX_FOLLOWED_TAGS,
  normalTag,
  unfollowTag,
} from "../../social/followed-tags.ts";
import { listsHolding } from "../../social/lists.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { type ApiContext, type ApiDeps, type ApiEnv, memberRef } from "../deps.ts";
import { notFound, unprocessable } from "../errors.ts";
import { readParams } from "../params.ts";
import { actorById, loadAccounts } from "../serializers/account.ts";
import { relationships } from "../serializers/relationship.ts";

export function extraRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const { db, config } = deps;
  const l = { db, origin: config.origin, domain: config.domain };

  // Followers of theirs that the member follows: not computed yet, so none (an answer per id).
  app.get("/api/v1/accounts/familiar_followers", async (c) => {
    requireUser(c, "read:follows");
    const p = await readParams(c);
    const ids = (Array.isArray(p.id) ? p.id : [p.id]).filter(
      (x): x is string => typeof x === "string",
    );
    return c.json(ids.map((id) => ({ id, accounts: [] })));
  });

  app.get("/api/v1/accounts/:id/featured_tags", async (c) => {
    optionalUser(c);
    if (!(await actorById(l, c.req.param("id")))) throw notFound();
    return c.json([]);
  });
  app.get("/api/v1/accounts/:id/identity_proofs", (c) => c.json([]));

  app.get("/api/v1/accounts/:id/lists", async (c) => {
    const me = requireUser(c, "read:lists");
    const actor = await actorById(l, c.req.param("id"));
    if (!actor) throw notFound();
    const rows = await listsHolding(db, me.id, actor.uri);
    return c.json(
      rows.map((r) => ({
        id: r.id,
        title: r.title,
        replies_policy: r.replies_policy,
        exclusive: r.exclusive === 1,
      })),
    );
  });

  // Private notes on accounts are not kept yet: the note is accepted and the relationship answered.
  app.post("/api/v1/accounts/:id/note", async (c) => {
    const me = requireUser(c, "write:accounts");
    const actor = await actorById(l, c.req.param("id"));
    if (!actor) throw notFound();
    const [r] = await relationships(db, memberRef(deps, me), [
      { id: c.req.param("id"), uri: actor.uri },
    ]);
    return c.json(r);
  });

  // Tags (docs.joinmastodon.org/entities/Tag), followed or not (social/followed-tags.ts).
  const tagJson = (name: string, following: boolean | undefined) => ({
    name,
    url: tagUrl(config.origin, name),
    history: [],
    ...(following === undefined ? {} : { following }),
  });
  const tagParam = (c: ApiContext) => {
    const tag = normalTag(c.req.param("name") ?? "");
    if (!tag) throw notFound();
    return tag;
  };
  app.get("/api/v1/tags/:name", async (c) => {
    const viewer = optionalUser(c);
    const tag = tagParam(c);
    const following = viewer ? (await followingTags(db, viewer.id, [tag])).has(tag) : undefined;
    return c.json(tagJson(tag, following));
  });
  app.post("/api/v1/tags/:name/follow", async (c) => {
    const me = requireUser(c, "write:follows");
    const result = await followTag(db, me.id, tagParam(c), deps.clock);
    if (!result.ok)
      throw result.reason === "too-many"
        ? unprocessable(`You cannot follow more than ${MAX_FOLLOWED_TAGS} hashtags`)
        : notFound();
    return c.json(tagJson(result.value.tag, true));
  });
  app.post("/api/v1/tags/:name/unfollow", async (c) => {
    const me = requireUser(c, "write:follows");
    const tag = tagParam(c);
    await unfollowTag(db, me.id, tag);
    return c.json(tagJson(tag, false));
  });
  // Ordered by name; max_id is the last name of the page before (Link rel="next").
  app.get("/api/v1/followed_tags", async (c) => {
    const me = requireUser(c, "read:follows");
    const p = await readParams(c);
    const limit = Math.max(1, Math.min(200, Number(p.limit ?? 100) || 100));
    const after = typeof p.max_id === "string" && p.max_id ? p.max_id.slice(0, 100) : undefined;
    const rows = await followedTags(db, me.id, { after, limit });
    if (rows.length === limit) {
      const next = new URL(c.req.url);
      next.searchParams.set("max_id", rows.at(-1)?.tag ?? "");
      c.header("Link", `<${next.href}>; rel="next"`);
    }
    return c.json(rows.map((r) => tagJson(r.tag, true)));
  });

  app.get("/api/v1/scheduled_statuses", (c) => {
    requireUser(c, "read:statuses");
    return c.json([]);
  });
  app.get("/api/v1/instance/translation_languages", (c) => c.json({}));

  // The profile directory: this node's active members, newest first.
  app.get("/api/v1/directory", async (c) => {
    optionalUser(c);
    const p = await readParams(c);
    const limit = Math.max(1, Math.min(80, Number(p.limit ?? 40) || 40));
    const offset = Math.max(0, Number(p.offset ?? 0) || 0);
    const usernames = await memberDirectory(db, { limit, offset });
    const uris = usernames.map((username) => memberUri(config.origin, username));
    const accounts = await loadAccounts(l, uris);
    return c.json(uris.flatMap((u) => accounts.get(u) ?? []));
  });
  return app;
}
