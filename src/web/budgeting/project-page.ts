/**
 * A project's page (/budgets/:id/projects/:pid): what it is, what it costs,
 * where, its pictures, its review (status and public note), what it was
 * merged into, and in implementation its progress updates. Its author may
 * withdraw it before voting; anyone signed in may report it; the group's
 * moderators review, hide and post progress from here.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { proposalUri } from "../../governance/budgeting/elsewhere/proposal-uris.ts";
import { asRefusalReason, REFUSED_CHANGES } from "../../governance/budgeting/elsewhere/refusals.ts";
import { canRun } from "../../governance/budgeting/processes/eligibility.ts";
import {
  reportProject,
  setProjectHidden,
} from "../../governance/budgeting/processes/moderation.ts";
import { postProgress } from "../../governance/budgeting/processes/progress.ts";
import { withdrawProject } from "../../governance/budgeting/processes/projects.ts";
import {
  categoriesOf,
  districtsOf,
  fundedProjectIds,
  imagesOf,
  type Process,
  type Project,
  progressOf,
  projectById,
  remoteImagesOf,
  uploadPaths,
} from "../../governance/budgeting/processes/reads.ts";
import type { Group } from "../../groups/groups.ts";
import { InputError } from "../../kernel/errors.ts";
import { mediaUrl } from "../../storage/images.ts";
import { remoteMediaUrl } from "../../storage/remote-media.ts";
import { discardUploads } from "../../storage/uploads.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, type FieldErrors, field, notice, readForm } from "../forms.ts";
import { doneQuery } from "../groups/render.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { timeTag } from "../time.ts";
import { commentRoutes, commentsSection } from "./comments.ts";
import { imageFrom, readMultipart } from "./propose.ts";
import {
  actorOf,
  type BudgetingDeps,
  budgetingContext,
  hostOf,
  money,
  problemStatus,
  problemText,
  processFromPath,
  processOrCopyFromPath,
} from "./render.ts";
import { reviewForm } from "./review-pages.ts";

const t = (c: Context<WebEnv>) => c.get("t");

export function projectPages(deps: BudgetingDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = budgetingContext(deps);

  /** The process and project of the path (404 when they do not belong together, or for a hidden one to non-moderators). */
  const projectFromPath = async (c: Context<WebEnv>, copies = false) => {
    // Only reading takes our copy of a process hosted elsewhere (group null); every write is the host's.
    const { process, group } = copies
      ? await processOrCopyFromPath(c, deps)
      : await processFromPath(c, deps);
    const project = await projectById(ctx, c.req.param("pid") ?? "");
    if (!project || project.process_id !== process.id)
      throw new InputError(t(c)("budgets.error.notFound"), 404);
    const viewer = c.get("viewer");
    const runs =
      viewer && group
        ? await canRun(deps.db, deps.config.origin, group, actorOf(deps, viewer))
        : false;
    if (project.status === "hidden" && !runs)
      throw new InputError(t(c)("budgets.error.notFound"), 404);
    return { process, group, project, runs };
  };

  const page = async (
    c: Context<WebEnv>,
    o: { process: Process; group: Group | null; project: Project; runs: boolean },
    errors: FieldErrors,
    status: 200 | 422,
  ) => {
    const { process, project, runs } = o;
    const locale = c.get("locale");
    const viewer = c.get("viewer");
    const me = viewer ? actorOf(deps, viewer) : null;
    const [districts, categories, updates, funded] = await Promise.all([
      districtsOf(ctx, process.id),
      categoriesOf(ctx, process.id),
      progressOf(ctx, project.id),
      fundedProjectIds(ctx, process.id),
    ]);
    const images = imagesOf(project);
    const updateImages = updates.flatMap((u) => imagesOf(u));
    const paths = await uploadPaths(
      ctx,
      [...images, ...updateImages].map((i) => i.mediaId),
    );
    const picture = (i: { mediaId: string; alt: string }) => {
      const path = paths.get(i.mediaId);
      return path
        ? html`<img src="${safeUrl(mediaUrl(path))}" alt="${i.alt}" loading="lazy" class="pb-image" />`
        : "";
    };
    const mergedInto = project.merged_into_id
      ? await projectById(ctx, project.merged_into_id)
      : undefined;
    const district = districts.find((d) => d.id === project.district_id);
    const category = categories.find((k) => k.id === project.category_id);
    const isFunded = funded.has(project.id);
    // Proposed here in a copy and not yet described by the host (elsewhere/proposals.ts).
    const waitingForHost =
      !process.local && project.uri === project.proposal_uri && project.status === "proposed";
    // The author may change it here: hosted here, or proposed here in a copy (sent to the host).
    const authors =
      !!me &&
      me.uri === project.proposed_by_uri &&
      (process.local ||
        project.proposal_uri === proposalUri(deps.config.origin, process.id, project.id));
    // A refusal notice links here with what the host refused and why (elsewhere/refusals.ts).
    const [refusedChange, refusedWhy] = (c.req.query("refused") ?? "").split(".");
    const refusal =
      authors && (REFUSED_CHANGES as readonly string[]).includes(refusedChange ?? "")
        ? html`<p class="notice" role="status">${t(c)(`budgets.refused.${refusedChange}` as MessageKey, { host: hostOf(process) })} ${t(c)(`budgets.refusal.${asRefusalReason(refusedWhy ?? "")}`)}</p>`
        : "";
    const statusNote =
      project.status === "refused"
        ? t(c)(`budgets.refusal.${asRefusalReason(project.review_note)}`)
        : project.review_note;
    const body = html`<p><a href="/budgets/${process.id}">${t(c)("budgets.back", { title: process.title })}</a></p>
      <h1>${project.title}</h1>
      ${notice(c.req.query("done"))}
      ${refusal}
      ${errorSummary(c, errors)}
      <dl class="pb-facts">
        <dt>${t(c)("budgets.cost")}</dt><dd>${money(locale, project.cost, process.currency)}</dd>
        ${district && districts.length > 1 ? html`<dt>${t(c)("budgets.form.district")}</dt><dd>${district.name}</dd>` : ""}
        ${category ? html`<dt>${t(c)("budgets.category")}</dt><dd>${category.name}</dd>` : ""}
        ${project.location ? html`<dt>${t(c)("budgets.location")}</dt><dd>${project.location}</dd>` : ""}
        <dt>${t(c)("budgets.reviewNote")}</dt><dd><strong>${waitingForHost ? t(c)("budgets.sentToHost", { host: hostOf(process) }) : project.status === "refused" ? t(c)("budgets.status.refused", { host: hostOf(process) }) : t(c)(`budgets.status.${project.status}` as MessageKey)}</strong>${isFunded ? html` · ✓ ${t(c)("budgets.funded")}` : ""}${statusNote ? html`<br />${statusNote}` : ""}</dd>
      </dl>
      ${mergedInto ? html`<p>${t(c)("budgets.mergedInto")} <a href="/budgets/${process.id}/projects/${mergedInto.id}">${mergedInto.title}</a></p>` : ""}
      ${images.map(picture)}
      ${remoteImagesOf(project).map((i) => html`<img src="${safeUrl(remoteMediaUrl(i.url))}" alt="${i.alt}" loading="lazy" class="pb-image" />`)}
      <p class="pb-description">${project.description}</p>
      ${
        process.phase === "implementation" && isFunded
          ? html`<section aria-labelledby="progress"><h2 id="progress">${t(c)("budgets.progress.title")}</h2>
            <progress max="100" value="${project.progress}" aria-label="${t(c)("budgets.progress", { percent: project.progress })}"></progress>
            <p>${t(c)("budgets.progress", { percent: project.progress })}</p>
            ${
              updates.length
                ? html`<ol class="pb-updates">${updates.map(
                    (
                      u,
                    ) => html`<li><p><strong>${u.progress}%</strong> · ${timeTag(locale, u.created_at)}</p>
                      <p>${u.body}</p>${imagesOf(u).map(picture)}</li>`,
                  )}</ol>`
                : html`<p class="muted">${t(c)("budgets.progress.none")}</p>`
            }
            ${
              runs
                ? html`<form method="post" action="/budgets/${process.id}/projects/${project.id}/progress" enctype="multipart/form-data" class="stack">${csrfField(c)}
                  ${field({ name: "progress", label: t(c)("budgets.progress.percent"), type: "number", value: String(project.progress), error: errors.progress, required: true })}
                  ${field({ name: "body", label: t(c)("budgets.progress.body"), type: "textarea", error: errors.body, required: true, maxlength: 5000 })}
                  ${field({ name: "image", label: t(c)("budgets.form.image"), type: "file", error: errors.image, accept: "image/jpeg,image/png,image/webp,image/gif" })}
                  ${field({ name: "imageAlt", label: t(c)("budgets.form.imageAlt"), maxlength: 1500 })}
                  <button type="submit">${t(c)("budgets.progress.post")}</button></form>`
                : ""
            }</section>`
          : ""
      }
      ${
        authors && process.phase === "proposing" && project.status === "proposed"
          ? html`<p><a class="button" href="${safeUrl(`/budgets/${process.id}/projects/${project.id}/edit`)}">${t(c)("budgets.edit")}</a></p>`
          : ""
      }
      ${
        authors &&
        (process.phase === "proposing" || process.phase === "review") &&
        ["proposed", "feasible", "infeasible"].includes(project.status)
          ? html`<form method="post" action="/budgets/${process.id}/projects/${project.id}/withdraw" class="inline">${csrfField(c)}<button type="submit" class="secondary">${t(c)("budgets.withdraw")}</button></form>`
          : ""
      }
      ${runs && (process.phase === "proposing" || process.phase === "review") ? reviewForm(c, process, project, districts) : ""}
      ${
        me && process.local && project.status !== "hidden"
          ? html`<details class="pb-report"><summary>${t(c)("budgets.report")}</summary>
            <form method="post" action="/budgets/${process.id}/projects/${project.id}/report" class="stack">${csrfField(c)}
            ${field({ name: "comment", label: t(c)("budgets.report.comment"), type: "textarea", error: errors.comment, required: true, maxlength: 1000 })}
            <button type="submit" class="secondary">${t(c)("budgets.report")}</button></form></details>`
          : ""
      }
      ${await commentsSection(c, deps, { process, project, me, runs, errors })}`;
    return c.html(layout(c, `${project.title} · ${process.title}`, body), status);
  };

  app.get("/budgets/:id/projects/:pid", async (c) =>
    page(c, await projectFromPath(c, true), {}, 200),
  );

  const back = (c: Context<WebEnv>, p: Project, text: string) =>
    redirectHere(c, `/budgets/${p.process_id}/projects/${p.id}${doneQuery(text)}`, 303);

  app.route(
    "/",
    commentRoutes(deps, async (c, errors) => page(c, await projectFromPath(c, true), errors, 422)),
  );

  app.post("/budgets/:id/projects/:pid/withdraw", async (c) => {
    const viewer = requireViewer(c);
    // The author withdraws from our copy too; the relay tells the host.
    const { project } = await projectFromPath(c, true);
    const done = await withdrawProject(ctx, actorOf(deps, viewer), { projectId: project.id });
    if (!done.ok) throw new InputError(problemText(c, done.reason), problemStatus(done.reason));
    return back(c, project, t(c)("budgets.withdrawn"));
  });

  app.post("/budgets/:id/projects/:pid/report", async (c) => {
    const viewer = requireViewer(c);
    const found = await projectFromPath(c);
    const form = await readForm(c);
    const done = await reportProject(ctx, actorOf(deps, viewer), {
      projectId: found.project.id,
      comment: form.comment ?? "",
    });
    if (!done.ok) {
      if (done.reason === "bad-comment")
        return page(c, found, { comment: problemText(c, done.reason) }, 422);
      throw new InputError(problemText(c, done.reason), problemStatus(done.reason));
    }
    return back(c, found.project, t(c)("budgets.reported"));
  });

  app.post("/budgets/:id/projects/:pid/hide", async (c) => {
    const viewer = requireViewer(c);
    const { project } = await projectFromPath(c);
    const form = await readForm(c);
    const done = await setProjectHidden(ctx, actorOf(deps, viewer), {
      projectId: project.id,
      hidden: form.hidden === "1",
    });
    if (!done.ok) throw new InputError(problemText(c, done.reason), problemStatus(done.reason));
    return back(
      c,
      project,
      t(c)(form.hidden === "1" ? "budgets.review.projectHidden" : "budgets.review.projectShown"),
    );
  });

  app.post("/budgets/:id/projects/:pid/progress", async (c) => {
    const viewer = requireViewer(c);
    const found = await projectFromPath(c);
    if (!found.runs) throw new InputError(t(c)("budgets.error.forbidden"), 403);
    const { values, body } = await readMultipart(c);
    const percent = /^\d{1,3}$/.test((values.progress ?? "").trim()) ? Number(values.progress) : -1;
    const text = (values.body ?? "").trim();
    const errors: FieldErrors = {};
    if (percent < 0 || percent > 100) errors.progress = t(c)("budgets.error.invalid");
    if (!text || text.length > 5000) errors.body = t(c)("budgets.error.description");
    if (Object.keys(errors).length) return page(c, found, errors, 422);
    const image = await imageFrom(c, deps, body.image, values.imageAlt ?? "", viewer.id);
    if (!image.ok) return page(c, found, { image: image.error }, 422);
    const done = await postProgress(ctx, actorOf(deps, viewer), {
      projectId: found.project.id,
      update: { progress: percent, body: text, images: image.images },
    });
    if (!done.ok) {
      await discardUploads(
        deps.db,
        viewer.id,
        image.images.map((i) => i.mediaId),
      );
      throw new InputError(problemText(c, done.reason), problemStatus(done.reason));
    }
    return back(c, found.project, t(c)("budgets.progress.posted"));
  });

  return app;
}
