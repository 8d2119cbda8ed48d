/**
 * A project's comments on its page (/budgets/:id/projects/:pid, "Comments"):
 * the thread, oldest first, with each comment's author and time; a form for
 * whoever takes part; for each comment, "Report" (anyone signed in) and
 * "Remove" (its author; on the host the group's moderators). The same thread
 * in a copy of a process hosted elsewhere: what is written here goes to the
 * host, and the host's thread comes back (governance/budgeting/processes/comments.ts).
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import {
  commentAuthors,
  commentById,
  commentsOf,
  MAX_COMMENT,
  postComment,
  removeComment,
  reportComment,
} from "../../governance/budgeting/processes/comments.ts";
import { canTakePart } from "../../governance/budgeting/processes/eligibility.ts";
import {
  type Process,
  type Project,
  projectById,
} from "../../governance/budgeting/processes/reads.ts";
import type { Voter } from "../../governance/decisions/context.ts";
import { InputError } from "../../kernel/errors.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, type FieldErrors, field, readForm } from "../forms.ts";
import { doneQuery } from "../groups/render.ts";
import type { Html } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { timeTag } from "../time.ts";
import {
  actorOf,
  type BudgetingDeps,
  budgetingContext,
  problemStatus,
  problemText,
  processOrCopyFromPath,
} from "./render.ts";

/** Paragraphs of plain text (escaped by the template). */
const paragraphs = (text: string) =>
  text
    .split(/\n{2,}/)
    .map(
      (p) =>
        html`<p>${p.split("\n").map((line, i) => (i === 0 ? html`${line}` : html`<br />${line}`))}</p>`,
    );

/** The thread and its form, for the project page. */
export async function commentsSection(
  c: Context<WebEnv>,
  deps: BudgetingDeps,
  o: { process: Process; project: Project; me: Voter | null; runs: boolean; errors: FieldErrors },
): Promise<Html> {
  const t = c.get("t");
  const ctx = budgetingContext(deps);
  const { process, project, me } = o;
  const comments = await commentsOf(ctx, project.id);
  const authors = await commentAuthors(ctx, comments);
  const takesPart = me ? await canTakePart(ctx, process, me.uri) : false;
  const base = `/budgets/${process.id}/projects/${project.id}/comments`;
  return html`<section class="pb-comments" aria-labelledby="comments">
    <h2 id="comments">${comments.length ? t("budgets.comments.title", { count: comments.length }) : t("budgets.comments.heading")}</h2>
    ${
      comments.length
        ? html`<ol class="pb-comment-list">${comments.map((x) => {
            const who = authors.get(x.authorUri);
            const href = who ? `/@${who.handle}` : x.authorUri;
            const mine = !!me && x.authorUri === me.uri && x.accountId === me.accountId;
            return html`<li class="pb-comment" id="c-${x.id}">
              <p class="meta"><a href="${safeUrl(href)}"><strong>${who?.name ?? x.authorUri}</strong></a>
                <span class="muted">${who && !who.local ? html` @${who.handle}` : ""} · ${timeTag(c.get("locale"), x.createdAt)}</span></p>
              <div class="pb-comment-body">${paragraphs(x.content)}</div>
              ${
                me && (mine || o.runs)
                  ? html`<form method="post" action="${safeUrl(`${base}/${x.id}/remove`)}" class="inline">${csrfField(c)}<button type="submit" class="secondary">${t("budgets.comments.remove")}</button></form>`
                  : ""
              }
              ${
                me && !mine
                  ? html`<details class="pb-report"><summary>${t("budgets.comments.report")}</summary>
                    <form method="post" action="${safeUrl(`${base}/${x.id}/report`)}" class="stack">${csrfField(c)}
                    ${field({ name: "comment", label: t("budgets.report.comment"), type: "textarea", required: true, maxlength: 1000 })}
                    <button type="submit" class="secondary">${t("budgets.comments.report")}</button></form></details>`
                  : ""
              }
            </li>`;
          })}</ol>`
        : html`<p class="muted">${t("budgets.comments.none")}</p>`
    }
    ${
      takesPart && project.status !== "hidden"
        ? html`<form method="post" action="${safeUrl(base)}" class="stack">${csrfField(c)}
          ${field({ name: "content", label: t("budgets.comments.write"), type: "textarea", error: o.errors.content, required: true, maxlength: MAX_COMMENT })}
          ${process.local ? "" : html`<p class="hint">${t("budgets.comments.elsewhere")}</p>`}
          <button type="submit">${t("budgets.comments.post")}</button></form>`
        : me
          ? ""
          : html`<p class="muted">${t("budgets.comments.signIn")}</p>`
    }
  </section>`;
}

/**
 * The routes; `page` shows the project page again with an error (the form keeps
 * nothing to lose but the text, which comes back with the error).
 */
export function commentRoutes(
  deps: BudgetingDeps,
  page: (c: Context<WebEnv>, errors: FieldErrors) => Promise<Response>,
): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = budgetingContext(deps);
  const t = (c: Context<WebEnv>) => c.get("t");

  /** The project of the path, in a process (or our copy) the viewer may see. */
  const projectOf = async (c: Context<WebEnv>) => {
    const { process } = await processOrCopyFromPath(c, deps);
    const project = await projectById(ctx, c.req.param("pid") ?? "");
    if (!project || project.process_id !== process.id || project.status === "hidden")
      throw new InputError(t(c)("budgets.error.notFound"), 404);
    return { process, project };
  };
  const back = (c: Context<WebEnv>, p: Project, text: string, anchor = "comments") =>
    redirectHere(c, `/budgets/${p.process_id}/projects/${p.id}${doneQuery(text)}#${anchor}`, 303);

  app.post("/budgets/:id/projects/:pid/comments", async (c) => {
    const viewer = requireViewer(c);
    const { project } = await projectOf(c);
    const form = await readForm(c);
    const done = await postComment(ctx, actorOf(deps, viewer), {
      projectId: project.id,
      content: form.content ?? "",
    });
    if (!done.ok) {
      if (done.reason === "invalid")
        return page(c, { content: t(c)("budgets.comments.invalid", { max: MAX_COMMENT }) });
      throw new InputError(problemText(c, done.reason), problemStatus(done.reason));
    }
    return back(c, project, t(c)("budgets.comments.posted"), `c-${done.value.id}`);
  });

  /** The comment of the path, on the project of the path. */
  const commentOf = async (c: Context<WebEnv>, project: Project) => {
    const comment = await commentById(ctx, c.req.param("cid") ?? "");
    if (!comment || comment.project_id !== project.id || comment.removed_at)
      throw new InputError(t(c)("budgets.error.notFound"), 404);
    return comment;
  };

  app.post("/budgets/:id/projects/:pid/comments/:cid/remove", async (c) => {
    const viewer = requireViewer(c);
    const { project } = await projectOf(c);
    const comment = await commentOf(c, project);
    const done = await removeComment(ctx, actorOf(deps, viewer), { commentId: comment.id });
    if (!done.ok) throw new InputError(problemText(c, done.reason), problemStatus(done.reason));
    return back(c, project, t(c)("budgets.comments.removed"));
  });

  app.post("/budgets/:id/projects/:pid/comments/:cid/report", async (c) => {
    const viewer = requireViewer(c);
    const { project } = await projectOf(c);
    const comment = await commentOf(c, project);
    const form = await readForm(c);
    const done = await reportComment(ctx, actorOf(deps, viewer), {
      commentId: comment.id,
      comment: form.comment ?? "",
    });
    if (!done.ok) {
      if (done.reason === "bad-comment") throw new InputError(problemText(c, done.reason), 422);
      throw new InputError(problemText(c, done.reason), problemStatus(done.reason));
    }
    return back(c, project, t(c)("budgets.reported"));
  });

  return app;
}
