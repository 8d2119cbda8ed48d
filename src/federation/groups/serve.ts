/**
 * What a node serves for its groups, in front of Fedify (whose one actor route
 * is /users/{identifier}): WebFinger for acct:group@host (group names share the
 * namespace with usernames, so a name resolves to a Person or a Group), the
 * Group actor document at /groups/{name} when ActivityPub JSON is asked for
 * (a browser gets the group page), its followers (= members), moderators
 * (attributedTo) and outbox collections, and the posts migrated from before
 * the one content model at their old ids (served as social/serve.ts serves any post).
 * Fedify and the vocabulary load only when such a document is asked for.
 */
import type { MiddlewareHandler } from "hono";
import { findGroup, type Group } from "../../groups/groups.ts";
import { moderatorUris } from "../../groups/roster.ts";
import { findPost } from "../../groups/threads.ts";
import { groupUri } from "../../groups/uris.ts";
import type { WebEnv } from "../../web/context.ts";
import type { FederationGateway } from "../index.ts";

const AS_CONTEXT = "https://www.w3.org/ns/activitystreams";
const wantsActivityJson = (accept: string | undefined) =>
  !!accept && /application\/(?:activity\+json|ld\+json)/.test(accept);
const groupPath = /^\/groups\/([A-Za-z0-9_]{1,30})(?:\/(followers|moderators|outbox|featured))?$/;
const postPath = /^\/(?:groups\/([A-Za-z0-9_]{1,30})\/posts|group-posts)\/([0-9a-f-]{36})$/;

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/activity+json", vary: "Accept" },
  });

export function groupFederationMiddleware(gateway: FederationGateway): MiddlewareHandler<WebEnv> {
  const deps = gateway.deps;
  const { db } = deps.db;
  const origin = deps.config.origin;

  async function webFinger(resource: string): Promise<Group | undefined> {
    const acct = /^acct:([A-Za-z0-9_]{1,30})@(.+)$/i.exec(resource);
    if (acct?.[1] && acct[2]?.toLowerCase() === deps.config.domain.toLowerCase())
      return findGroup(db, acct[1]);
    const byUri = new RegExp(
      `^${origin.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/groups/([A-Za-z0-9_]{1,30})$`,
    ).exec(resource);
    return byUri?.[1] ? findGroup(db, byUri[1]) : undefined;
  }

  async function collection(group: Group, which: string): Promise<Response> {
    const id = `${groupUri(origin, group.name)}/${which}`;
    // Nothing is pinned in a group; GoToSocial reads every actor's `featured` and logs
    // an error for each actor without one.
    if (which === "featured")
      return json({
        "@context": AS_CONTEXT,
        id,
        type: "OrderedCollection",
        totalItems: 0,
        orderedItems: [],
      });
    if (which === "moderators")
      return json({
        "@context": AS_CONTEXT,
        id,
        type: "OrderedCollection",
        orderedItems: await moderatorUris(db, group),
      });
    if (which === "followers") {
      const rows = await db
        .selectFrom("group_members")
        .select("actor_uri")
        .where("group_id", "=", group.id)
        .where("status", "=", "active")
        .orderBy("id")
        .execute();
      // A members-only group says how many, not who (as Mastodon hides followers).
      const items =
        group.visibility === "public" ? { orderedItems: rows.map((r) => r.actor_uri) } : {};
      return json({
        "@context": AS_CONTEXT,
        id,
        type: "OrderedCollection",
        totalItems: rows.length,
        ...items,
      });
    }
    const count = await db
      .selectFrom("posts")
      .select(db.fn.countAll<number>().as("n"))
      .where("group_id", "=", group.id)
      .where("deleted_at", "is", null)
      .executeTakeFirstOrThrow();
    return json({
      "@context": AS_CONTEXT,
      id,
      type: "OrderedCollection",
      totalItems: Number(count.n),
    });
  }

  return async (c, next) => {
    if (c.req.method !== "GET") return next();
    const path = new URL(c.req.url).pathname;
    if (path === "/.well-known/webfinger") {
      const resource = c.req.query("resource") ?? "";
      const group = await webFinger(resource);
      if (!group) return next();
      const id = groupUri(origin, group.name);
      return new Response(
        JSON.stringify({
          subject: `acct:${group.name}@${deps.config.domain}`,
          aliases: [id],
          links: [
            { rel: "self", type: "application/activity+json", href: id },
            { rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: id },
          ],
        }),
        { headers: { "content-type": "application/jrd+json", "access-control-allow-origin": "*" } },
      );
    }
    if (!wantsActivityJson(c.req.header("accept"))) return next();
    const groupMatch = groupPath.exec(path);
    if (groupMatch?.[1]) {
      const group = await findGroup(db, groupMatch[1]);
      if (!group || group.name !== groupMatch[1]) return next();
      if (groupMatch[2]) return collection(group, groupMatch[2]);
      const { groupDocument } = await import("./actor.ts");
      return json(await groupDocument(deps, group));
    }
    const postMatch = postPath.exec(path);
    if (postMatch?.[2]) {
      // A migrated post keeps its old id; it is served at it as any post is (the one
      // converter, the same visibility rule: a members-only group's post only to a
      // signed fetch by the Group or a member's server; 410 once deleted).
      const post = await findPost(db, postMatch[2]);
      if (!post?.local || post.uri !== `${origin}${path}`) return next();
      const [{ federation }, { servePost }] = await Promise.all([
        gateway.load(),
        import("../social/serve.ts"),
      ]);
      return servePost(federation, db, origin, c.req.raw, post.id);
    }
    return next();
  };
}
