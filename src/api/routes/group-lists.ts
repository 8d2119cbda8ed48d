/**
 * A member's groups as Mastodon lists, read-only: apps have no notion of groups,
 * but every app shows lists, so a member reads their groups' threads and replies
 * there (GET /api/v1/timelines/list/group:NAME, in timelines.ts). The id is the
 * group's key (`group:NAME` here, `group:NAME@HOST` elsewhere: src/groups/member-groups.ts),
 * which no real list id (a UUIDv7) can be. The group decides who is in it, so
 * every write on such a list is refused with 403 and changes nothing; a group
 * key that is not one of the member's groups is 404, like an unknown list.
 *
 * These routes come before the real lists' (more.ts) and pass any other id on.
 */
import { Hono, type Next } from "hono";
import {
  isGroupKey,
  type MemberGroup,
  memberGroup,
  memberGroups,
} from "../../groups/member-groups.ts";
import { requireUser } from "../auth.ts";
import type { ApiContext, ApiDeps, ApiEnv } from "../deps.ts";
import { ApiError, notFound } from "../errors.ts";

/** A group as Mastodon's List entity. */
export const groupListJson = (g: MemberGroup) => ({
  id: g.key,
  title: g.title,
  replies_policy: "list",
  exclusive: false,
});

const readOnly = () =>
  new ApiError(
    403,
    "This list is one of your groups: its members are the group's, so it cannot be changed here",
  );

/** The member's groups as List entities (GET /api/v1/lists adds them after the real lists). */
export async function groupLists(deps: ApiDeps, me: { id: string; username: string }) {
  return (await memberGroups(deps.db, deps.config.origin, me)).map(groupListJson);
}

export function groupListRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  /** The member's group this id names (404 if it is not theirs), or null for a real list's id. */
  const groupOf = async (c: ApiContext, scope: string) => {
    const id = c.req.param("id") ?? "";
    if (!isGroupKey(id)) return null;
    const me = requireUser(c, scope);
    const group = await memberGroup(deps.db, deps.config.origin, me, id);
    if (!group) throw notFound();
    return group;
  };
  const reading =
    (answer: (c: ApiContext, g: MemberGroup) => Response) => async (c: ApiContext, next: Next) => {
      const group = await groupOf(c, "read:lists");
      if (!group) return next();
      return answer(c, group);
    };
  const writing = async (c: ApiContext, next: Next) => {
    if (!(await groupOf(c, "write:lists"))) return next();
    throw readOnly();
  };
  app.get(
    "/api/v1/lists/:id",
    reading((c, g) => c.json(groupListJson(g))),
  );
  app.put("/api/v1/lists/:id", writing);
  app.delete("/api/v1/lists/:id", writing);
  // The group's roster is on its page; an app that would edit it here cannot.
  app.get(
    "/api/v1/lists/:id/accounts",
    reading((c) => c.json([])),
  );
  app.post("/api/v1/lists/:id/accounts", writing);
  app.delete("/api/v1/lists/:id/accounts", writing);
  return app;
}
