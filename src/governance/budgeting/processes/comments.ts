/**
 * Comments on projects (Decidim's proposals have them; docs/budgeting.md
 * "Comments"): a flat thread under each project, in the process hosted here
 * and in copies of processes hosted elsewhere. Whoever takes part in a process
 * comments on its projects (not on a hidden one), in any phase. A comment is
 * plain text, at most MAX_COMMENT characters. Its id is a Note's, in reply to
 * the project: under the project's own id on the host
 * (`…/projects/{id}/comments/{id}`), `/pb-comments/{id}` in a copy (our co-op
 * sends it to the host, which passes it to every copy; federation/budgeting).
 *
 * Moderation: anyone signed in reports a comment (to the group's moderators on
 * the host; to this node's moderators in a copy); the group's moderators
 * remove it on the host — the removal travels to every copy — and its author
 * removes their own anywhere. A removed comment keeps its row with the text
 * emptied, so a late copy of it is not taken again.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../../../db/outbox.ts";
import type { Schema } from "../../../db/schema.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import { newId } from "../../../kernel/ids.ts";
import { budgetProjectUri, coopUri } from "../../../kernel/uris.ts";
import { MAX_REPORT_COMMENT } from "../../../social/moderation.ts";
import { notify } from "../../../social/notifications.ts";
import { fileReport } from "../../../social/staff-notices.ts";
import { memberCoopOn } from "../elsewhere/eligibility.ts";
import type { BudgetingContext, Voter } from "./context.ts";
import { canRunProcess, canTakePart } from "./eligibility.ts";
import { lockProcess, type Process, type Project } from "./reads.ts";

export const MAX_COMMENT = 5000;
/** Comments one project keeps at most (a thread stays readable and bounded). */
export const MAX_COMMENTS_PER_PROJECT = 2000;
/** A page of a thread. */
export const COMMENTS_PAGE = 200;

export interface CommentView {
  id: string;
  uri: string;
  projectId: string;
  authorUri: string;
  accountId: string | null;
  content: string;
  createdAt: string;
}

/** A comment made in a copy: its id on this node (what the host fetches and names). */
export const commentUriInCopy = (origin: string, id: string) => `${origin}/pb-comments/${id}`;

export type CommentProblem =
  | "not-found"
  | "forbidden"
  | "invalid"
  | "too-many"
  | "bad-comment"
  | "already";

const cleaned = (text: string) => text.replace(/\r\n?/g, "\n").trim();

/** The project and its process, if comments may be read there. */
async function projectAndProcess(trx: Kysely<Schema>, projectId: string) {
  const project = await trx
    .selectFrom("pb_projects")
    .selectAll()
    .where("id", "=", projectId)
    .executeTakeFirst();
  const process = project ? await lockProcess(trx, project.process_id) : undefined;
  if (!project || !process || process.imported || project.status === "hidden") return undefined;
  return { project, process };
}

/** Someone taking part comments on a project. */
export async function postComment(
  ctx: BudgetingContext,
  actor: Voter,
  input: { projectId: string; content: string },
): Promise<Result<{ id: string; uri: string }, CommentProblem>> {
  const content = cleaned(input.content);
  if (!content || content.length > MAX_COMMENT) return fail("invalid");
  return ctx.db.transaction().execute(async (trx) => {
    const found = await projectAndProcess(trx, input.projectId);
    if (!found) return fail("not-found" as const);
    const { project, process } = found;
    if (!(await canTakePart({ db: trx, origin: ctx.origin }, process, actor.uri)))
      return fail("forbidden" as const);
    const id = newId();
    const uri = process.local ? `${project.uri}/comments/${id}` : commentUriInCopy(ctx.origin, id);
    return store(
      trx,
      ctx,
      { project, process },
      {
        id,
        uri,
        authorUri: actor.uri,
        accountId: actor.accountId,
        content,
        createdAt: ctx.clock.now().toISOString(),
      },
    );
  });
}

async function store(
  trx: Kysely<Schema>,
  ctx: BudgetingContext,
  at: { project: Project; process: Process },
  c: {
    id: string;
    uri: string;
    authorUri: string;
    accountId: string | null;
    content: string;
    createdAt: string;
  },
): Promise<Result<{ id: string; uri: string }, CommentProblem>> {
  const counted = await trx
    .selectFrom("pb_comments")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("project_id", "=", at.project.id)
    .executeTakeFirstOrThrow();
  if (Number(counted.n) >= MAX_COMMENTS_PER_PROJECT) return fail("too-many" as const);
  await trx
    .insertInto("pb_comments")
    .values({
      id: c.id,
      uri: c.uri,
      process_id: at.process.id,
      project_id: at.project.id,
      author_uri: c.authorUri,
      account_id: c.accountId,
      content: c.content,
      created_at: c.createdAt,
      removed_at: null,
      removed_by_uri: null,
    })
    .execute();
  // The proposer here hears of it (not of their own).
  if (at.project.account_id && at.project.proposed_by_uri !== c.authorUri)
    await notify(
      trx,
      {
        accountId: at.project.account_id,
        type: "budget_comment",
        fromUri: budgetProjectUri(ctx.origin, at.process.id, at.project.id),
        fromAccountId: c.accountId ?? undefined,
      },
      ctx.clock,
    );
  await recordEvent(trx, {
    type: "budgeting.comment.posted",
    payload: { processId: at.process.id, projectId: at.project.id, commentId: c.id },
  });
  return ok({ id: c.id, uri: c.uri });
}

/** A project's thread in the order it arrived here (removed comments left out). */
export async function commentsOf(
  ctx: Pick<BudgetingContext, "db">,
  projectId: string,
  options: { limit?: number; afterId?: string; at?: string } = {},
): Promise<CommentView[]> {
  let q = ctx.db
    .selectFrom("pb_comments")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("removed_at", "is", null);
  if (options.afterId) q = q.where("id", ">", options.afterId);
  if (options.at) q = q.where("id", "=", options.at);
  const rows = await q
    // By arrival (ids are time-ordered), so `afterId` pages without gaps.
    .orderBy("id")
    .limit(Math.max(1, Math.min(options.limit ?? COMMENTS_PAGE, COMMENTS_PAGE)))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    uri: r.uri,
    projectId: r.project_id,
    authorUri: r.author_uri,
    accountId: r.account_id,
    content: r.content,
    createdAt: r.created_at,
  }));
}

export function commentById(ctx: Pick<BudgetingContext, "db">, id: string) {
  return ctx.db.selectFrom("pb_comments").selectAll().where("id", "=", id).executeTakeFirst();
}

async function markRemoved(
  trx: Kysely<Schema>,
  ctx: BudgetingContext,
  comment: { id: string; uri: string; process_id: string; project_id: string },
  by: string,
) {
  const at = ctx.clock.now().toISOString();
  await trx
    .updateTable("pb_comments")
    .set({ content: "", removed_at: at, removed_by_uri: by })
    .where("id", "=", comment.id)
    .execute();
  await trx
    .updateTable("reports")
    .set({ group_resolved_at: at, group_resolved_by: by })
    .where("target_uri", "=", comment.uri)
    .where("group_resolved_at", "is", null)
    .execute();
  await recordEvent(trx, {
    type: "budgeting.comment.removed",
    payload: {
      processId: comment.process_id,
      projectId: comment.project_id,
      commentId: comment.id,
    },
  });
}

/**
 * A moderator of the group (on the host) or the comment's author (anywhere)
 * removes a comment.
 */
export async function removeComment(
  ctx: BudgetingContext,
  actor: Voter,
  input: { commentId: string },
): Promise<Result<{ id: string }, CommentProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const comment = await trx
      .selectFrom("pb_comments")
      .selectAll()
      .where("id", "=", input.commentId)
      .executeTakeFirst();
    if (!comment || comment.removed_at) return fail("not-found" as const);
    const process = await lockProcess(trx, comment.process_id);
    if (!process) return fail("not-found" as const);
    const mine = comment.author_uri === actor.uri && comment.account_id === actor.accountId;
    if (!mine && !(await canRunProcess(trx, ctx.origin, process, actor)))
      return fail("forbidden" as const);
    await markRemoved(trx, ctx, comment, actor.uri);
    return ok({ id: comment.id });
  });
}

/** Anyone signed in reports a comment (to the group's moderators; in a copy, to ours). */
export async function reportComment(
  ctx: BudgetingContext,
  actor: Voter,
  input: { commentId: string; comment: string },
): Promise<Result<{ id: string }, CommentProblem>> {
  const why = input.comment.trim();
  if (!why || why.length > MAX_REPORT_COMMENT) return fail("bad-comment");
  const comment = await commentById(ctx, input.commentId);
  if (!comment || comment.removed_at) return fail("not-found");
  const process = await ctx.db
    .selectFrom("pb_processes")
    .select(["group_id", "local"])
    .where("id", "=", comment.process_id)
    .executeTakeFirst();
  if (!process) return fail("not-found");
  const id = newId();
  await ctx.db.transaction().execute((trx) =>
    fileReport(
      trx,
      {
        id,
        reporterAccountId: actor.accountId,
        reporterUri: actor.uri,
        targetUri: comment.uri,
        comment: why,
        groupId: process.local ? process.group_id : null,
      },
      ctx.clock,
    ),
  );
  return ok({ id });
}

/** A comment from another node (federation/budgeting): what it says. */
export interface RemoteComment {
  uri: string;
  authorUri: string;
  projectUri: string;
  content: string;
  publishedAt: string;
}

/**
 * On the host: a member co-op passes on a comment one of its members wrote in
 * its copy (`coopUri`: the activity's actor, whose signature was checked). The
 * comment and its author live on the co-op's node, the co-op is an active
 * member co-op of the process's Group (checked by canTakePart for the author,
 * who must take part), the project is this process's.
 * In a copy: the process's Group passes on a comment (`groupUri`); ours we
 * have already.
 */
export async function receiveRemoteComment(
  ctx: BudgetingContext,
  input: RemoteComment,
  from: { coopUri: string } | { groupUri: string },
): Promise<Result<{ id: string }, CommentProblem>> {
  const content = cleaned(input.content);
  if (!content || content.length > MAX_COMMENT) return fail("invalid");
  return ctx.db.transaction().execute(async (trx) => {
    const project = await trx
      .selectFrom("pb_projects")
      .select("id")
      .where("uri", "=", input.projectUri)
      .executeTakeFirst();
    const found = project ? await projectAndProcess(trx, project.id) : undefined;
    if (!found) return fail("not-found" as const);
    const { process } = found;
    if ("coopUri" in from) {
      if (!process.local) return fail("not-found" as const);
      const origin = new URL(from.coopUri).origin;
      if (new URL(input.uri).origin !== origin || new URL(input.authorUri).origin !== origin)
        return fail("forbidden" as const);
      if (!(await canTakePart({ db: trx, origin: ctx.origin }, process, input.authorUri)))
        return fail("forbidden" as const);
      if (!process.group_id || (await memberCoopOn(trx, process.group_id, origin)) !== from.coopUri)
        return fail("forbidden" as const);
    } else if (process.local || process.group_uri !== from.groupUri) {
      return fail("forbidden" as const);
    }
    const had = await trx
      .selectFrom("pb_comments")
      .select("id")
      .where("uri", "=", input.uri)
      .executeTakeFirst();
    if (had) return fail("already" as const);
    const now = ctx.clock.now().toISOString();
    const published = Date.parse(input.publishedAt);
    return store(trx, ctx, found, {
      id: newId(),
      uri: input.uri,
      authorUri: input.authorUri,
      accountId: null,
      content,
      // Never in the future (a wrong clock elsewhere would pin it on top).
      createdAt:
        Number.isFinite(published) && published < Date.parse(now)
          ? new Date(published).toISOString()
          : now,
    });
  });
}

/**
 * A removal from another node: on the host, by the co-op of the comment's
 * node (its author removed it there); in a copy, by the process's Group.
 */
export async function removeRemoteComment(
  ctx: BudgetingContext,
  uri: string,
  actorUri: string,
): Promise<Result<{ id: string }, CommentProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const comment = await trx
      .selectFrom("pb_comments")
      .selectAll()
      .where("uri", "=", uri)
      .executeTakeFirst();
    if (!comment || comment.removed_at) return fail("not-found" as const);
    const process = await lockProcess(trx, comment.process_id);
    if (!process) return fail("not-found" as const);
    const origin = new URL(uri).origin;
    const allowed = process.local
      ? actorUri === coopUri(origin) &&
        comment.account_id === null &&
        new URL(comment.author_uri).origin === origin
      : process.group_uri === actorUri;
    if (!allowed) return fail("forbidden" as const);
    await markRemoved(trx, ctx, comment, actorUri);
    return ok({ id: comment.id });
  });
}

/** Is this a comment kept here (for the inbox to claim a Delete)? */
export async function isKeptComment(db: Kysely<Schema>, uri: string): Promise<boolean> {
  return !!(await db
    .selectFrom("pb_comments")
    .select("id")
    .where("uri", "=", uri)
    .executeTakeFirst());
}

/** Who wrote each comment, as a reader sees them: a name and a handle (user@host). */
export async function commentAuthors(
  ctx: Pick<BudgetingContext, "db" | "origin">,
  comments: Pick<CommentView, "authorUri" | "accountId">[],
): Promise<Map<string, { name: string; handle: string; local: boolean }>> {
  const out = new Map<string, { name: string; handle: string; local: boolean }>();
  const accountIds = [...new Set(comments.flatMap((x) => (x.accountId ? [x.accountId] : [])))];
  const remote = [...new Set(comments.filter((x) => !x.accountId).map((x) => x.authorUri))];
  if (accountIds.length)
    for (const a of await ctx.db
      .selectFrom("accounts")
      .select(["id", "username", "display_name"])
      .where("id", "in", accountIds)
      .execute())
      for (const x of comments)
        if (x.accountId === a.id)
          out.set(x.authorUri, {
            name: a.display_name || a.username,
            handle: a.username,
            local: true,
          });
  if (remote.length)
    for (const r of await ctx.db
      .selectFrom("remote_actors")
      .select(["uri", "name", "handle"])
      .where("uri", "in", remote)
      .execute())
      out.set(r.uri, { name: r.name || r.handle, handle: r.handle, local: false });
  // Not known here: the name the URI gives (…/users/bea on b.example → bea@b.example).
  for (const uri of remote)
    if (!out.has(uri) && URL.canParse(uri)) {
      const u = new URL(uri);
      const user = u.pathname.split("/").filter(Boolean).pop() ?? "";
      out.set(uri, { name: user, handle: `${user}@${u.host}`, local: false });
    }
  return out;
}
