/**
 * The author edits their proposal (/budgets/:id/projects/:pid/edit) while the
 * process is proposing and it is unreviewed — hosted here, or proposed here in
 * our copy of a process hosted elsewhere (the change goes to the host, which
 * checks it again; its answer comes back as the copy's refresh or a refusal).
 * The text, cost, budget, category and place change; the pictures stay.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { editProject } from "../../governance/budgeting/processes/projects.ts";
import {
  categoriesOf,
  districtsOf,
  imagesOf,
  type Process,
  type Project,
  projectById,
} from "../../governance/budgeting/processes/reads.ts";
import { InputError } from "../../kernel/errors.ts";
import type { WebEnv } from "../context.ts";
import { errorSummary, type FieldErrors } from "../forms.ts";
import { doneQuery } from "../groups/render.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { parseProjectForm, projectForm, readMultipart } from "./propose.ts";
import {
  actorOf,
  type BudgetingDeps,
  budgetingContext,
  hostOf,
  moneyInput,
  problemStatus,
  problemText,
  processOrCopyFromPath,
} from "./render.ts";

type Values = Record<string, string>;

const valuesOf = (p: Project): Values => ({
  title: p.title,
  description: p.description,
  cost: moneyInput(p.cost),
  districtId: p.district_id,
  categoryId: p.category_id ?? "",
  location: p.location,
  latitude: p.latitude === null ? "" : String(p.latitude),
  longitude: p.longitude === null ? "" : String(p.longitude),
});

export function editProposalPages(deps: BudgetingDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = budgetingContext(deps);

  /** The author's own proposal of the path, while it may be edited (else 404/403/409). */
  const editable = async (c: Context<WebEnv>) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const { process } = await processOrCopyFromPath(c, deps);
    const project = await projectById(ctx, c.req.param("pid") ?? "");
    if (!project || project.process_id !== process.id || project.status === "hidden")
      throw new InputError(t("budgets.error.notFound"), 404);
    const actor = actorOf(deps, viewer);
    if (project.proposed_by_uri !== actor.uri)
      throw new InputError(t("budgets.error.forbidden"), 403);
    if (process.phase !== "proposing" || project.status !== "proposed")
      throw new InputError(t("budgets.error.wrongPhase"), 409);
    return { process, project, actor };
  };

  const page = async (
    c: Context<WebEnv>,
    process: Process,
    project: Project,
    values: Values,
    errors: FieldErrors,
    status: 200 | 422,
  ) => {
    const t = c.get("t");
    const [districts, categories] = await Promise.all([
      districtsOf(ctx, process.id),
      categoriesOf(ctx, process.id),
    ]);
    const title = t("budgets.edit.title");
    const body = html`<p><a href="${safeUrl(`/budgets/${process.id}/projects/${project.id}`)}">${t("budgets.back", { title: project.title })}</a></p>
      <h1>${title}</h1>${errorSummary(c, errors)}
      ${process.local ? "" : html`<p class="notice">${t("budgets.edit.elsewhere", { host: hostOf(process) })}</p>`}
      ${projectForm(c, { action: `/budgets/${process.id}/projects/${project.id}/edit`, process, districts, categories, values, errors, pictures: false })}`;
    return c.html(layout(c, `${title} · ${project.title}`, body), status);
  };

  app.get("/budgets/:id/projects/:pid/edit", async (c) => {
    const { process, project } = await editable(c);
    return page(c, process, project, valuesOf(project), {}, 200);
  });

  app.post("/budgets/:id/projects/:pid/edit", async (c) => {
    const { process, project, actor } = await editable(c);
    const { values } = await readMultipart(c);
    const parsed = parseProjectForm(c, values, await districtsOf(ctx, process.id));
    if (!parsed.ok) return page(c, process, project, values, parsed.errors, 422);
    const done = await editProject(ctx, actor, {
      projectId: project.id,
      project: { ...parsed.value, images: imagesOf(project) },
    });
    if (!done.ok) {
      if (done.reason === "invalid")
        return page(c, process, project, values, { title: problemText(c, done.reason) }, 422);
      throw new InputError(problemText(c, done.reason), problemStatus(done.reason));
    }
    return redirectHere(
      c,
      `/budgets/${process.id}/projects/${project.id}${doneQuery(c.get("t")(process.local ? "budgets.edit.saved" : "budgets.edit.sent"))}`,
      303,
    );
  });

  return app;
}
