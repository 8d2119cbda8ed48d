/**
 * Filters (docs.joinmastodon.org/methods/filters): v2 filters with their
 * keywords and statuses, and the v1 list (one filter per keyword). What a filter
 * does to timelines and notifications is in serializers/filter.ts; the rules and
 * caps are the social capability's (social/keyword-filters.ts).
 */
import { Hono } from "hono";
import { z } from "zod";
import { addFilterStatus, filterStatus, removeFilterStatus } from "../../social/filter-statuses.ts";
import {
  addKeyword,
  changeKeyword,
  createFilter,
  deleteFilter,
  type FilterInput,
  type FilterProblem,
  filterOfKeyword,
  MAX_FILTERS,
  MAX_KEYWORDS_PER_FILTER,
  MAX_STATUSES_PER_FILTER,
  memberFilters,
  removeKeyword,
  updateFilter,
} from "../../social/keyword-filters.ts";
import { visiblePosts } from "../../social/views.ts";
import { requireUser } from "../auth.ts";
import { type ApiDeps, type ApiEnv, memberRef, socialContext } from "../deps.ts";
import { notFound, unprocessable } from "../errors.ts";
import { attributeList, readParams, truthy } from "../params.ts";
import { filterJson, filterStatusJson, keywordJson, v1Filters } from "../serializers/filter.ts";

const problems: Record<FilterProblem, string> = {
  "not-found": "Record not found",
  "title-invalid": "Title can't be blank (and is at most 256 characters)",
  "context-invalid": "Context must be some of home, notifications, public, thread, account",
  "keyword-invalid": "Keyword can't be blank (and is at most 512 characters)",
  "too-many-filters": `A member keeps at most ${MAX_FILTERS} filters`,
  "too-many-keywords": `A filter has at most ${MAX_KEYWORDS_PER_FILTER} keywords`,
  "too-many-statuses": `A filter has at most ${MAX_STATUSES_PER_FILTER} statuses`,
  "post-not-found": "Status not found",
};
const refuse = (reason: FilterProblem) =>
  reason === "not-found" || reason === "post-not-found"
    ? notFound()
    : unprocessable(problems[reason]);

const list = (v: unknown) =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
    (x): x is string => typeof x === "string",
  );

/** A filter's fields from the request; only those sent (PUT changes only what it names). */
function filterInput(p: Record<string, unknown>): FilterInput {
  const head = z
    .object({
      title: z.string().max(1000).optional(),
      filter_action: z.enum(["warn", "hide"]).optional(),
      expires_in: z
        .union([
          z.coerce
            .number()
            .int()
            .min(0)
            .max(10 * 365 * 86400),
          z.literal(""),
        ])
        .nullish(),
    })
    .parse(p);
  const keywords = attributeList(p.keywords_attributes)
    .slice(0, MAX_KEYWORDS_PER_FILTER + 1)
    .map((k) => ({
      id: typeof k.id === "string" ? k.id.slice(0, 100) : undefined,
      keyword: typeof k.keyword === "string" ? k.keyword : undefined,
      wholeWord: k.whole_word === undefined ? undefined : truthy(k.whole_word),
      destroy: truthy(k._destroy),
    }));
  return {
    title: head.title,
    context: p.context === undefined ? undefined : list(p.context),
    action: head.filter_action,
    expiresIn: head.expires_in === undefined ? undefined : head.expires_in || null,
    keywords,
  };
}

export function filterRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const { db } = deps;
  const s = socialContext(deps);

  const oneFilter = async (accountId: string, id: string) => {
    const [f] = await memberFilters(db, accountId, id);
    if (!f) throw notFound();
    return f;
  };

  app.get("/api/v1/filters", async (c) => {
    const me = requireUser(c, "read:filters");
    return c.json(v1Filters(await memberFilters(db, me.id)));
  });

  app.get("/api/v2/filters", async (c) => {
    const me = requireUser(c, "read:filters");
    return c.json((await memberFilters(db, me.id)).map((f) => filterJson(f)));
  });
  app.post("/api/v2/filters", async (c) => {
    const me = requireUser(c, "write:filters");
    const result = await createFilter(db, me.id, filterInput(await readParams(c)), deps.clock);
    if (!result.ok) throw refuse(result.reason);
    return c.json(filterJson(await oneFilter(me.id, result.value.id)));
  });

  // Keywords and statuses by their own id (before /:id so "keywords" is not taken for a filter).
  app.get("/api/v2/filters/keywords/:id", async (c) => {
    const me = requireUser(c, "read:filters");
    const row = await filterOfKeyword(db, me.id, c.req.param("id"));
    if (!row) throw notFound();
    return c.json(
      keywordJson({ id: row.id, keyword: row.keyword, wholeWord: row.whole_word === 1 }),
    );
  });
  // Rails routes an update as PATCH and PUT alike.
  app.on(["PATCH", "PUT"], "/api/v2/filters/keywords/:id", async (c) => {
    const me = requireUser(c, "write:filters");
    const p = await readParams(c);
    const result = await changeKeyword(db, me.id, c.req.param("id"), {
      keyword: typeof p.keyword === "string" ? p.keyword : undefined,
      wholeWord: p.whole_word === undefined ? undefined : truthy(p.whole_word),
    });
    if (!result.ok) throw refuse(result.reason);
    const row = await filterOfKeyword(db, me.id, result.value.id);
    if (!row) throw notFound();
    return c.json(
      keywordJson({ id: row.id, keyword: row.keyword, wholeWord: row.whole_word === 1 }),
    );
  });
  app.delete("/api/v2/filters/keywords/:id", async (c) => {
    const me = requireUser(c, "write:filters");
    if (!(await removeKeyword(db, me.id, c.req.param("id")))) throw notFound();
    return c.json({});
  });
  app.get("/api/v2/filters/statuses/:id", async (c) => {
    const me = requireUser(c, "read:filters");
    const row = await filterStatus(db, me.id, c.req.param("id"));
    if (!row) throw notFound();
    return c.json(filterStatusJson({ id: row.id, postId: row.post_id }));
  });
  app.delete("/api/v2/filters/statuses/:id", async (c) => {
    const me = requireUser(c, "write:filters");
    const row = await filterStatus(db, me.id, c.req.param("id"));
    if (!row || !(await removeFilterStatus(db, me.id, row.id))) throw notFound();
    return c.json(filterStatusJson({ id: row.id, postId: row.post_id }));
  });

  app.get("/api/v2/filters/:id", async (c) => {
    const me = requireUser(c, "read:filters");
    return c.json(filterJson(await oneFilter(me.id, c.req.param("id"))));
  });
  app.on(["PATCH", "PUT"], "/api/v2/filters/:id", async (c) => {
    const me = requireUser(c, "write:filters");
    const result = await updateFilter(
      db,
      me.id,
      c.req.param("id"),
      filterInput(await readParams(c)),
      deps.clock,
    );
    if (!result.ok) throw refuse(result.reason);
    return c.json(filterJson(await oneFilter(me.id, result.value.id)));
  });
  app.delete("/api/v2/filters/:id", async (c) => {
    const me = requireUser(c, "write:filters");
    if (!(await deleteFilter(db, me.id, c.req.param("id")))) throw notFound();
    return c.json({});
  });

  app.get("/api/v2/filters/:id/keywords", async (c) => {
    const me = requireUser(c, "read:filters");
    return c.json((await oneFilter(me.id, c.req.param("id"))).keywords.map(keywordJson));
  });
  app.post("/api/v2/filters/:id/keywords", async (c) => {
    const me = requireUser(c, "write:filters");
    const p = await readParams(c);
    const result = await addKeyword(db, me.id, c.req.param("id"), {
      keyword: typeof p.keyword === "string" ? p.keyword : "",
      wholeWord: p.whole_word === undefined ? true : truthy(p.whole_word),
    });
    if (!result.ok) throw refuse(result.reason);
    const row = await filterOfKeyword(db, me.id, result.value.id);
    if (!row) throw notFound();
    return c.json(
      keywordJson({ id: row.id, keyword: row.keyword, wholeWord: row.whole_word === 1 }),
    );
  });
  app.get("/api/v2/filters/:id/statuses", async (c) => {
    const me = requireUser(c, "read:filters");
    return c.json((await oneFilter(me.id, c.req.param("id"))).statuses.map(filterStatusJson));
  });
  app.post("/api/v2/filters/:id/statuses", async (c) => {
    const me = requireUser(c, "write:filters");
    const p = await readParams(c);
    const postId = typeof p.status_id === "string" ? p.status_id.slice(0, 100) : "";
    // Only a post the member may see can be filtered by id (no probing for hidden ones).
    const [seen] = postId ? await visiblePosts(s, memberRef(deps, me), [postId]) : [];
    if (!seen) throw notFound();
    const result = await addFilterStatus(db, me.id, c.req.param("id"), postId);
    if (!result.ok) throw refuse(result.reason);
    return c.json(filterStatusJson({ id: result.value.id, postId }));
  });
  return app;
}
