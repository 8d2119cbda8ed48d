/**
 * Review (/budgets/:id/review), for the group's moderators: every proposal
 * with a form to mark it feasible or not with a public note (adjusting the
 * cost or title), to merge it into another, to hide it; and the open reports
 * about the process's projects. Each form answers with the page again.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { canRun } from "../../governance/budgeting/processes/eligibility.ts";
import { dismissReport, openReportsOf } from "../../governance/budgeting/processes/moderation.ts";
import {
  type District,
  districtsOf,
  type Process,
  type Project,
  projectById,
  projectsOf,
} from "../../governance/budgeting/processes/reads.ts";
import { mergeProjects, reviewProject } from "../../governance/budgeting/processes/review.ts";
import { InputError } from "../../kernel/errors.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, notice, readForm } from "../forms.ts";
import { doneQuery } from "../groups/render.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { type Html, layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { timeTag } from "../time.ts";
import {
  actorOf,
  type BudgetingDeps,
  budgetingContext,
  money,
  moneyInput,
  parseMoney,
  problemStatus,
  problemText,
  processFromPath,
  projectHref,
} from "./render.ts";

const t = (c: Context<WebEnv>) => c.get("t");

/** The review form of one project (its id in every field's id, so many fit on one page). */
export function reviewForm(
  c: Context<WebEnv>,
  process: Process,
  p: Project,
  _districts: District[],
  others: Project[] = [],
): Html {
  const id = (name: string) => `r-${p.id}-${name}`;
  return html`<div class="pb-review">
    <form method="post" action="/budgets/${process.id}/projects/${p.id}/review" class="stack">${csrfField(c)}
      <fieldset><legend>${t(c)("budgets.review.verdict")}</legend>
        <label><input type="radio" name="verdict" value="feasible"${p.status !== "infeasible" ? html` checked` : ""} /> ${t(c)("budgets.review.feasible")}</label>
        <label><input type="radio" name="verdict" value="infeasible"${p.status === "infeasible" ? html` checked` : ""} /> ${t(c)("budgets.review.infeasible")}</label>
      </fieldset>
      <div class="field"><label for="${id("note")}">${t(c)("budgets.review.note")}</label>
        <textarea id="${id("note")}" name="note" maxlength="5000" aria-describedby="${id("note")}-hint">${p.review_note}</textarea>
        <p class="hint" id="${id("note")}-hint">${t(c)("budgets.review.note.hint")}</p></div>
      <div class="field"><label for="${id("title")}">${t(c)("budgets.form.projectTitle")}</label>
        <input id="${id("title")}" name="title" value="${p.title}" maxlength="200" required /></div>
      <div class="field"><label for="${id("cost")}">${t(c)("budgets.form.cost", { currency: process.currency })}</label>
        <input id="${id("cost")}" name="cost" value="${moneyInput(p.cost)}" required /></div>
      <button type="submit">${t(c)("budgets.review.save")}</button>
    </form>
    ${
      others.length
        ? html`<details><summary>${t(c)("budgets.review.merge")}</summary>
          <form method="post" action="/budgets/${process.id}/projects/${p.id}/merge" class="stack">${csrfField(c)}
            <div class="field"><label for="${id("into")}">${t(c)("budgets.review.mergeInto")}</label>
              <select id="${id("into")}" name="into">${others.map((o) => html`<option value="${o.id}">${o.title}</option>`)}</select></div>
            <div class="field"><label for="${id("mnote")}">${t(c)("budgets.review.mergeNote")}</label>
              <textarea id="${id("mnote")}" name="note" maxlength="5000" required></textarea></div>
            <button type="submit" class="secondary">${t(c)("budgets.review.merge")}</button>
          </form></details>`
        : ""
    }
    <form method="post" action="/budgets/${process.id}/projects/${p.id}/hide" class="inline">${csrfField(c)}
      <input type="hidden" name="hidden" value="${p.status === "hidden" ? "0" : "1"}" />
      <button type="submit" class="secondary">${p.status === "hidden" ? t(c)("budgets.review.unhide") : t(c)("budgets.review.hide")}</button>
    </form>
  </div>`;
}

export function reviewPages(deps: BudgetingDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = budgetingContext(deps);

  /** The process of the path, for one of its group's moderators (else 403). */
  const asModerator = async (c: Context<WebEnv>) => {
    const viewer = requireViewer(c);
    const { process, group } = await processFromPath(c, deps);
    const actor = actorOf(deps, viewer);
    if (!(await canRun(deps.db, deps.config.origin, group, actor)))
      throw new InputError(t(c)("budgets.error.forbidden"), 403);
    return { process, actor };
  };

  app.get("/budgets/:id/review", async (c) => {
    const { process } = await asModerator(c);
    const [districts, projects, reports] = await Promise.all([
      districtsOf(ctx, process.id),
      projectsOf(ctx, process.id, { statuses: ["proposed", "feasible", "infeasible", "hidden"] }),
      openReportsOf(ctx, process.uri),
    ]);
    const locale = c.get("locale");
    const waiting = projects.filter((p) => p.status === "proposed").length;
    const title = t(c)("budgets.review.title", { title: process.title });
    const body = html`<p><a href="/budgets/${process.id}">${t(c)("budgets.back", { title: process.title })}</a></p>
      <h1>${title}</h1>
      ${notice(c.req.query("done"))}
      <p>${t(c)("budgets.review.lead")}</p>
      ${waiting ? html`<p class="notice">${t(c)("budgets.review.unreviewed", { count: waiting })}</p>` : ""}
      <section aria-labelledby="reports"><h2 id="reports">${t(c)("budgets.review.reports")}</h2>
      ${
        reports.length
          ? html`<ul>${reports.map((r) => {
              const p = projects.find((x) => x.uri === r.target_uri);
              return html`<li>${p ? html`<a href="${safeUrl(projectHref(p))}">${p.title}</a>: ` : ""}${r.comment}
                <span class="muted">· ${timeTag(locale, r.created_at)}</span>
                <form method="post" action="/budgets/${process.id}/reports/${r.id}/dismiss" class="inline">${csrfField(c)}<button type="submit" class="secondary">${t(c)("budgets.review.dismiss")}</button></form></li>`;
            })}</ul>`
          : html`<p class="muted">${t(c)("budgets.review.reports.none")}</p>`
      }</section>
      <h2>${t(c)("budgets.projects")}</h2>
      ${
        projects.length
          ? projects.map(
              (p) => html`<article class="card pb-review-item" aria-labelledby="p-${p.id}">
                <h3 id="p-${p.id}"><a href="${safeUrl(projectHref(p))}">${p.title}</a></h3>
                <p class="meta">${money(locale, p.cost, process.currency)} · ${t(c)(`budgets.status.${p.status}` as MessageKey)}${
                  districts.length > 1
                    ? html` · ${districts.find((d) => d.id === p.district_id)?.name ?? ""}`
                    : ""
                }</p>
                <p>${p.description.length > 400 ? `${p.description.slice(0, 400)}…` : p.description}</p>
                ${reviewForm(
                  c,
                  process,
                  p,
                  districts,
                  projects.filter(
                    (o) =>
                      o.id !== p.id && o.district_id === p.district_id && o.status !== "hidden",
                  ),
                )}
              </article>`,
            )
          : html`<p class="muted">${t(c)("budgets.projects.none")}</p>`
      }`;
    return c.html(layout(c, title, body));
  });

  const reviewPath = (process: Process, text: string) =>
    `/budgets/${process.id}/review${doneQuery(text)}`;

  app.post("/budgets/:id/projects/:pid/review", async (c) => {
    const { process, actor } = await asModerator(c);
    const form = await readForm(c);
    const project = await projectById(ctx, c.req.param("pid") ?? "");
    if (!project || project.process_id !== process.id)
      throw new InputError(t(c)("budgets.error.notFound"), 404);
    const cost = parseMoney(form.cost ?? "");
    if (!cost) throw new InputError(t(c)("budgets.error.cost"), 422);
    const done = await reviewProject(ctx, actor, {
      projectId: project.id,
      review: {
        verdict: form.verdict,
        note: form.note ?? "",
        title: form.title ?? "",
        cost,
      },
    });
    if (!done.ok)
      throw new InputError(
        done.reason === "invalid" ? t(c)("budgets.review.note.hint") : problemText(c, done.reason),
        problemStatus(done.reason),
      );
    return redirectHere(c, reviewPath(process, t(c)("budgets.review.saved")), 303);
  });

  app.post("/budgets/:id/projects/:pid/merge", async (c) => {
    const { process, actor } = await asModerator(c);
    const form = await readForm(c);
    const done = await mergeProjects(ctx, actor, {
      intoId: form.into ?? "",
      merge: { projectIds: [c.req.param("pid") ?? ""], note: form.note ?? "" },
    });
    if (!done.ok) throw new InputError(problemText(c, done.reason), problemStatus(done.reason));
    return redirectHere(c, reviewPath(process, t(c)("budgets.review.merged")), 303);
  });

  app.post("/budgets/:id/reports/:rid/dismiss", async (c) => {
    const { process, actor } = await asModerator(c);
    const done = await dismissReport(ctx, actor, {
      processId: process.id,
      reportId: c.req.param("rid") ?? "",
    });
    if (!done.ok) throw new InputError(problemText(c, done.reason), problemStatus(done.reason));
    return redirectHere(c, reviewPath(process, t(c)("budgets.review.reportDismissed")), 303);
  });

  return app;
}
