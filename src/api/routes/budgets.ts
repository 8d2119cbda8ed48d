/**
 * Participatory budgets for apps, under /api/synco/v1/budgets (docs/api.md
 * "Participatory budgets"): processes (list, show, open, move to the next
 * phase), projects (list, show with progress, propose, edit, withdraw, review,
 * merge, hide, report; the author edits and withdraws from our copy too),
 * comments on projects (list, post, remove, report) and progress updates.
 * Ballots and results are
 * budget-ballots.ts. Reading is read:statuses, writing write:statuses; a
 * members-only group's budget is 404 to anyone else, as an unknown id is.
 * Images are uploads of the member's media library, named by id
 * (POST /api/v2/media), as a status's media_ids are.
 */
import { Hono } from "hono";
import { z } from "zod";
import {
  COMMENTS_PAGE,
  type CommentView,
  commentAuthors,
  commentById,
  commentsOf,
  MAX_COMMENT,
  postComment,
  removeComment,
  reportComment,
} from "../../governance/budgeting/processes/comments.ts";
import type { Voter } from "../../governance/budgeting/processes/context.ts";
import { canRun, canTakePart } from "../../governance/budgeting/processes/eligibility.ts";
import {
  reportProject,
  setProjectHidden,
} from "../../governance/budgeting/processes/moderation.ts";
import { nextPhase } from "../../governance/budgeting/processes/phase-rules.ts";
import { advancePhase } from "../../governance/budgeting/processes/phases.ts";
import { createProcess, parseNewProcess } from "../../governance/budgeting/processes/processes.ts";
import { postProgress } from "../../governance/budgeting/processes/progress.ts";
import {
  editProject,
  proposeProject,
  withdrawProject,
} from "../../governance/budgeting/processes/projects.ts";
import {
  categoriesOf,
  districtsOf,
  fundedProjectIds,
  imagesOf,
  listProcesses,
  type Process,
  type Project,
  processById,
  progressOf,
  projectById,
  projectsOf,
  uploadPaths,
} from "../../governance/budgeting/processes/reads.ts";
import { mergeProjects, reviewProject } from "../../governance/budgeting/processes/review.ts";
import { findGroup, findGroupById, type Group } from "../../groups/groups.ts";
import { canRead } from "../../groups/threads.ts";
import { memberUri } from "../../kernel/uris.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { type ApiContext, type ApiDeps, type ApiEnv, socialContext } from "../deps.ts";
import { ApiError, notFound, unprocessable } from "../errors.ts";
import { readParams } from "../params.ts";
import { serializeProcess, serializeProgress, serializeProject } from "../serializers/budget.ts";

const PREFIX = "/api/synco/v1/budgets";

/** What each problem says to an app, and its status. */
const PROBLEMS: Record<string, [number, string]> = {
  "not-found": [404, "Record not found"],
  forbidden: [403, "Only the group's moderators (or, for proposals, members taking part) may"],
  "wrong-phase": [409, "Not in this phase of the budget"],
  "not-counted": [409, "The results are not counted yet"],
  "too-many": [422, "You have made as many proposals as one person may"],
  "not-funded": [409, "Only funded projects report progress"],
  "bad-comment": [422, "comment: 1 to 1000 characters"],
  invalid: [422, "The input is invalid"],
  "comment-invalid": [422, "content: 1 to 5000 characters"],
  "comments-full": [422, "This project has as many comments as it may keep"],
};
const refuse = (reason: string): never => {
  const [status, message] = PROBLEMS[reason] ?? [422, reason];
  throw new ApiError(status as 403, message);
};

const STATUSES = [
  "proposed",
  "feasible",
  "infeasible",
  "merged",
  "withdrawn",
  "hidden",
  "refused",
] as const;

export function budgetRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const ctx = () => socialContext(deps);
  const origin = deps.config.origin;
  const actor = (me: { id: string; username: string }): Voter => ({
    uri: memberUri(origin, me.username),
    accountId: me.id,
  });
  const body = (c: ApiContext) => readParams(c);

  /** Our copy of a process hosted elsewhere: only for our members who take part in it. */
  const seesCopy = async (p: Process, viewer: { username: string } | null) =>
    !p.local && !!viewer && (await canTakePart(ctx(), p, memberUri(origin, viewer.username)));

  /**
   * The process of the path, if the viewer may read its group; 404 otherwise.
   * Reads (`copies`) also take our copy of a process hosted elsewhere (group
   * null, runs false: its host runs it).
   */
  const visible = async (
    c: ApiContext,
    viewer: { id: string; username: string } | null,
    copies = false,
  ): Promise<{ process: Process; group: Group | null; runs: boolean }> => {
    const process = await processById(ctx(), c.req.param("id") ?? "");
    if (copies && process && !process.local) {
      if (!(await seesCopy(process, viewer))) throw notFound();
      return { process, group: null, runs: false };
    }
    if (!process?.local || !process.group_id) throw notFound();
    const group = await findGroupById(deps.db, process.group_id);
    if (!group || !(await canRead(deps.db, origin, group, viewer))) throw notFound();
    const runs = viewer ? await canRun(deps.db, origin, group, actor(viewer)) : false;
    return { process, group, runs };
  };
  const processJson = async (p: Process) =>
    serializeProcess(origin, p, await districtsOf(ctx(), p.id), await categoriesOf(ctx(), p.id));
  const projectsJson = async (process: Process, projects: Project[]) => {
    const funded = await fundedProjectIds(ctx(), process.id);
    const paths = await uploadPaths(
      ctx(),
      projects.flatMap((p) => imagesOf(p).map((i) => i.mediaId)),
    );
    return projects.map((p) => serializeProject(origin, p, { funded: funded.has(p.id), paths }));
  };
  /** The project of the path in the visible process (a hidden one only for its moderators). */
  const visibleProject = async (
    c: ApiContext,
    viewer: { id: string; username: string } | null,
    copies = false,
  ) => {
    const found = await visible(c, viewer, copies);
    const project = await projectById(ctx(), c.req.param("pid") ?? "");
    if (!project || project.process_id !== found.process.id) throw notFound();
    if (project.status === "hidden" && !found.runs) throw notFound();
    return { ...found, project };
  };
  const projectAnswer = async (process: Process, projectId: string, status: 200 | 201 = 200) => {
    const project = await projectById(ctx(), projectId);
    if (!project) throw notFound();
    const [json] = await projectsJson(process, [project]);
    const updates = await progressOf(ctx(), project.id);
    const paths = await uploadPaths(
      ctx(),
      updates.flatMap((u) => imagesOf(u).map((i) => i.mediaId)),
    );
    return {
      json: { ...json, progress_updates: updates.map((u) => serializeProgress(origin, u, paths)) },
      status,
    };
  };

  app.get(PREFIX, async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const q = z
      .object({
        limit: z.coerce.number().int().min(1).max(50).default(20),
        max_id: z.string().max(64).optional(),
      })
      .parse(c.req.query());
    const out = [];
    const readable = new Map<string, boolean>();
    for (const p of await listProcesses(ctx(), {
      limit: q.limit,
      ...(q.max_id ? { maxId: q.max_id } : {}),
    })) {
      if (!p.local) {
        if (await seesCopy(p, viewer)) out.push(await processJson(p));
        continue;
      }
      if (!p.group_id) continue;
      if (!readable.has(p.group_id)) {
        const g = await findGroupById(deps.db, p.group_id);
        readable.set(p.group_id, !!g && (await canRead(deps.db, origin, g, viewer)));
      }
      if (readable.get(p.group_id)) out.push(await processJson(p));
    }
    return c.json(out);
  });

  app.get(`${PREFIX}/:id`, async (c) => {
    const { process } = await visible(c, optionalUser(c, "read:statuses"), true);
    return c.json(await processJson(process));
  });

  app.post(PREFIX, async (c) => {
    const me = requireUser(c, "write:statuses");
    const params = await body(c);
    const group = await findGroup(deps.db, z.string().min(1).max(100).parse(params.group));
    if (!group || !(await canRead(deps.db, origin, group, me))) throw notFound();
    const { group: _g, ...input } = params;
    // The capability parses again; parsing here first tells the app which field.
    const checked = parseNewProcess(input, deps.clock.now());
    if (!checked.ok) throw unprocessable(`${checked.reason}: invalid`);
    const made = await createProcess(ctx(), actor(me), { groupId: group.id, process: input });
    if (!made.ok) refuse(made.reason);
    const p = await processById(ctx(), made.ok ? made.value.id : "");
    if (!p) throw notFound();
    return c.json(await processJson(p), 201);
  });

  app.post(`${PREFIX}/:id/phase`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { process } = await visible(c, me);
    const p = z.object({ to: z.string().max(20).optional() }).parse(await body(c));
    const to = nextPhase(process.phase);
    if (!to || (p.to !== undefined && p.to !== to)) refuse("wrong-phase");
    const moved = await advancePhase(ctx(), actor(me), process.id, to ?? process.phase);
    if (!moved.ok) refuse(moved.reason);
    return c.json(await processJson((await processById(ctx(), process.id)) ?? process));
  });

  app.get(`${PREFIX}/:id/projects`, async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const { process, runs } = await visible(c, viewer, true);
    const q = z
      .object({ status: z.enum(STATUSES).optional(), district_id: z.string().max(64).optional() })
      .parse(c.req.query());
    const statuses = q.status
      ? [q.status]
      : STATUSES.filter((s) => s !== "hidden" && s !== "withdrawn");
    if (q.status === "hidden" && !runs) return c.json([]);
    const projects = await projectsOf(ctx(), process.id, {
      statuses,
      ...(q.district_id ? { districtId: q.district_id } : {}),
    });
    return c.json(await projectsJson(process, projects));
  });

  app.get(`${PREFIX}/:id/projects/:pid`, async (c) => {
    const { process, project } = await visibleProject(c, optionalUser(c, "read:statuses"), true);
    const a = await projectAnswer(process, project.id);
    return c.json(a.json, a.status);
  });

  /** An app's project fields → the capability's (snake_case → camelCase). */
  const projectInput = (params: Record<string, unknown>) => ({
    districtId: params.district_id,
    ...(params.category_id !== undefined ? { categoryId: params.category_id } : {}),
    title: params.title,
    description: params.description,
    cost: params.cost,
    ...(params.location !== undefined ? { location: params.location } : {}),
    ...(params.latitude !== undefined ? { latitude: params.latitude } : {}),
    ...(params.longitude !== undefined ? { longitude: params.longitude } : {}),
    images: z
      .array(z.object({ media_id: z.string().max(64), alt: z.string().max(1500).default("") }))
      .max(10)
      .default([])
      .parse(params.images)
      .map((i) => ({ mediaId: i.media_id, alt: i.alt })),
  });

  app.post(`${PREFIX}/:id/projects`, async (c) => {
    const me = requireUser(c, "write:statuses");
    // Our copy of a process hosted elsewhere takes proposals too: our co-op sends them to the host.
    const { process } = await visible(c, me, true);
    const made = await proposeProject(ctx(), actor(me), {
      processId: process.id,
      project: projectInput(await body(c)),
    });
    if (!made.ok) return refuse(made.reason);
    const a = await projectAnswer(process, made.value.id, 201);
    return c.json(a.json, a.status);
  });

  // The author edits and withdraws from our copy too (proposed here): the relay tells the host.
  app.put(`${PREFIX}/:id/projects/:pid`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { process, project } = await visibleProject(c, me, true);
    const done = await editProject(ctx(), actor(me), {
      projectId: project.id,
      project: projectInput(await body(c)),
    });
    if (!done.ok) return refuse(done.reason);
    const a = await projectAnswer(process, project.id);
    return c.json(a.json, a.status);
  });

  app.delete(`${PREFIX}/:id/projects/:pid`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { process, project } = await visibleProject(c, me, true);
    const done = await withdrawProject(ctx(), actor(me), { projectId: project.id });
    if (!done.ok) return refuse(done.reason);
    const a = await projectAnswer(process, project.id);
    return c.json(a.json, a.status);
  });

  app.post(`${PREFIX}/:id/projects/:pid/review`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { process, project } = await visibleProject(c, me);
    const done = await reviewProject(ctx(), actor(me), {
      projectId: project.id,
      review: await body(c),
    });
    if (!done.ok) return refuse(done.reason);
    const a = await projectAnswer(process, project.id);
    return c.json(a.json, a.status);
  });

  app.post(`${PREFIX}/:id/projects/:pid/merge`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { process, project } = await visibleProject(c, me);
    const p = z
      .object({ project_ids: z.array(z.string().max(64)).max(50), note: z.string().max(5000) })
      .parse(await body(c));
    const done = await mergeProjects(ctx(), actor(me), {
      intoId: project.id,
      merge: { projectIds: p.project_ids, note: p.note },
    });
    if (!done.ok) return refuse(done.reason);
    const a = await projectAnswer(process, project.id);
    return c.json(a.json, a.status);
  });

  app.post(`${PREFIX}/:id/projects/:pid/hide`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { process, project } = await visibleProject(c, me);
    const p = z.object({ hidden: z.boolean().default(true) }).parse(await body(c));
    const done = await setProjectHidden(ctx(), actor(me), {
      projectId: project.id,
      hidden: p.hidden,
    });
    if (!done.ok) return refuse(done.reason);
    const a = await projectAnswer(process, project.id);
    return c.json(a.json, a.status);
  });

  app.post(`${PREFIX}/:id/projects/:pid/report`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { project } = await visibleProject(c, me);
    const p = z.object({ comment: z.string().max(5000) }).parse(await body(c));
    const done = await reportProject(ctx(), actor(me), {
      projectId: project.id,
      comment: p.comment,
    });
    if (!done.ok) return refuse(done.reason);
    return c.json({ id: done.value.id }, 201);
  });

  app.post(`${PREFIX}/:id/projects/:pid/progress`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { process, project } = await visibleProject(c, me);
    const params = await body(c);
    const done = await postProgress(ctx(), actor(me), {
      projectId: project.id,
      update: {
        progress: params.progress,
        body: params.body,
        images: z
          .array(z.object({ media_id: z.string().max(64), alt: z.string().max(1500).default("") }))
          .max(10)
          .default([])
          .parse(params.images)
          .map((i) => ({ mediaId: i.media_id, alt: i.alt })),
      },
    });
    if (!done.ok) return refuse(done.reason);
    const a = await projectAnswer(process, project.id, 201);
    return c.json(a.json, a.status);
  });

  /** A project's comments, oldest first (`since_id`: after that one; `limit` ≤ 200). */
  app.get(`${PREFIX}/:id/projects/:pid/comments`, async (c) => {
    const { project } = await visibleProject(c, optionalUser(c, "read:statuses"), true);
    if (project.status === "hidden") throw notFound();
    const q = z
      .object({
        since_id: z.string().max(64).optional(),
        limit: z.coerce.number().int().min(1).max(COMMENTS_PAGE).default(COMMENTS_PAGE),
      })
      .safeParse(c.req.query());
    if (!q.success) throw unprocessable("limit: 1 to 200");
    const comments = await commentsOf(ctx(), project.id, {
      limit: q.data.limit,
      ...(q.data.since_id ? { afterId: q.data.since_id } : {}),
    });
    const authors = await commentAuthors(ctx(), comments);
    return c.json(comments.map((x) => serializeComment(x, authors.get(x.authorUri))));
  });

  app.post(`${PREFIX}/:id/projects/:pid/comments`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { project } = await visibleProject(c, me, true);
    const p = z.object({ content: z.string().max(MAX_COMMENT * 2) }).safeParse(await body(c));
    if (!p.success) throw unprocessable(`content: 1 to ${MAX_COMMENT} characters`);
    const done = await postComment(ctx(), actor(me), {
      projectId: project.id,
      content: p.data.content,
    });
    if (!done.ok)
      return done.reason === "invalid"
        ? refuse("comment-invalid")
        : refuse(done.reason === "too-many" ? "comments-full" : done.reason);
    const [made] = await commentsOf(ctx(), project.id, { limit: 1, at: done.value.id });
    if (!made) throw notFound();
    const authors = await commentAuthors(ctx(), [made]);
    return c.json(serializeComment(made, authors.get(made.authorUri)), 201);
  });

  /** Its author, or on the host a moderator of the group, removes a comment. */
  app.delete(`${PREFIX}/:id/projects/:pid/comments/:cid`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { project } = await visibleProject(c, me, true);
    const comment = await commentById(ctx(), c.req.param("cid") ?? "");
    if (!comment || comment.project_id !== project.id || comment.removed_at) throw notFound();
    const done = await removeComment(ctx(), actor(me), { commentId: comment.id });
    if (!done.ok) return refuse(done.reason);
    return c.json({ id: comment.id });
  });

  app.post(`${PREFIX}/:id/projects/:pid/comments/:cid/report`, async (c) => {
    const me = requireUser(c, "write:statuses");
    const { project } = await visibleProject(c, me, true);
    const comment = await commentById(ctx(), c.req.param("cid") ?? "");
    if (!comment || comment.project_id !== project.id || comment.removed_at) throw notFound();
    const p = z.object({ comment: z.string().max(5000) }).safeParse(await body(c));
    if (!p.success) return refuse("bad-comment");
    const done = await reportComment(ctx(), actor(me), {
      commentId: comment.id,
      comment: p.data.comment,
    });
    if (!done.ok) return refuse(done.reason);
    return c.json({ id: done.value.id }, 201);
  });

  return app;
}

function serializeComment(
  x: CommentView,
  who: { name: string; handle: string; local: boolean } | undefined,
) {
  return {
    id: x.id,
    uri: x.uri,
    project_id: x.projectId,
    author: { uri: x.authorUri, acct: who?.handle ?? null, display_name: who?.name ?? null },
    content: x.content,
    created_at: x.createdAt,
  };
}
