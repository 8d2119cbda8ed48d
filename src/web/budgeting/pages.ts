/**
 * The participatory budgeting pages (issue 19): the list (/budgets), opening a
 * process in a group (/budgets/new?group=NAME), the process page with its phase
 * (/budgets/:id) and moving it on. Proposals, review and progress have their
 * own files; voting and results are web/budgeting/{ballot,results}-page.ts.
 * Everything works without JavaScript; bad input re-renders with 422 and
 * writes nothing.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { canRun, canTakePart } from "../../governance/budgeting/processes/eligibility.ts";
import { nextPhase } from "../../governance/budgeting/processes/phase-rules.ts";
import { advancePhase } from "../../governance/budgeting/processes/phases.ts";
import { createProcess } from "../../governance/budgeting/processes/processes.ts";
import {
  districtsOf,
  fundedProjectIds,
  listProcesses,
  type Process,
  projectsOf,
} from "../../governance/budgeting/processes/reads.ts";
import { findGroup, findGroupById, type Group, listGroups } from "../../groups/groups.ts";
import { canRead } from "../../groups/threads.ts";
import { InputError } from "../../kernel/errors.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, notice, readForm } from "../forms.ts";
import { doneQuery, groupName } from "../groups/render.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { editProposalPages } from "./edit-proposal.ts";
import { parseProcessForm, processForm } from "./new-process.ts";
import { mapPoints, projectMap } from "./project-map.ts";
import { projectPages } from "./project-page.ts";
import { proposePages } from "./propose.ts";
import {
  actorOf,
  type BudgetingDeps,
  budgetingContext,
  hostOf,
  phaseName,
  phaseTimeline,
  problemStatus,
  problemText,
  processFromPath,
  processHref,
  processOrCopyFromPath,
  projectsByDistrict,
  seesCopy,
} from "./render.ts";
import { reviewPages } from "./review-pages.ts";

const t = (c: Context<WebEnv>) => c.get("t");

export function budgetingPages(deps: BudgetingDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = budgetingContext(deps);

  app.get("/budgets", async (c) => {
    const viewer = c.get("viewer") ?? null;
    const groups = new Map<string, Group | undefined>();
    const shown: { p: Process; group: Group | null }[] = [];
    for (const p of await listProcesses(ctx, { limit: 100 })) {
      // Our copies of processes hosted elsewhere, for our members who take part.
      if (!p.local) {
        if (await seesCopy(deps, p, viewer)) shown.push({ p, group: null });
        continue;
      }
      if (!p.group_id) continue;
      if (!groups.has(p.group_id)) {
        const g = await findGroupById(deps.db, p.group_id);
        groups.set(
          p.group_id,
          g && (await canRead(deps.db, deps.config.origin, g, viewer)) ? g : undefined,
        );
      }
      const group = groups.get(p.group_id);
      if (group) shown.push({ p, group });
    }
    const mine: Group[] = [];
    if (viewer)
      for (const g of await listGroups(deps.db))
        if (await canRun(deps.db, deps.config.origin, g, actorOf(deps, viewer))) mine.push(g);
    const body = html`<h1>${t(c)("budgets.title")}</h1>
      <p class="lead">${t(c)("budgets.lead")}</p>
      ${
        shown.length
          ? html`<ul class="decision-list">${shown.map(
              ({ p, group }) => html`<li>
                <a href="${safeUrl(processHref(p))}"><strong>${p.title}</strong></a>
                <div class="meta">${group ? t(c)("budgets.inGroup", { group: groupName(c, group) }) : t(c)("budgets.elsewhere.short", { host: hostOf(p) })} · ${phaseName(c, p.phase)}</div>
              </li>`,
            )}</ul>`
          : html`<p class="muted">${t(c)("budgets.none")}</p>`
      }
      ${
        mine.length
          ? html`<h2>${t(c)("budgets.new")}</h2><p>${t(c)("budgets.new.pickGroup")}</p>
            <ul>${mine.map((g) => html`<li><a href="/budgets/new?group=${encodeURIComponent(g.name)}">${groupName(c, g)}</a></li>`)}</ul>`
          : ""
      }`;
    return c.html(layout(c, t(c)("budgets.title"), body));
  });

  /** The group of ?group= (or the form's `group`), if the viewer moderates it. */
  const groupToRun = async (c: Context<WebEnv>, name: string) => {
    const viewer = requireViewer(c);
    const group = await findGroup(deps.db, name);
    if (!group) throw new InputError(t(c)("budgets.error.notFound"), 404);
    if (!(await canRun(deps.db, deps.config.origin, group, actorOf(deps, viewer))))
      throw new InputError(t(c)("budgets.error.forbidden"), 403);
    return group;
  };

  const newPage = (
    c: Context<WebEnv>,
    group: Group,
    values: Record<string, string>,
    errors: Record<string, string>,
    status: 200 | 422,
  ) => {
    const title = t(c)("budgets.new.in", { group: groupName(c, group) });
    const body = html`<h1>${title}</h1>${errorSummary(c, errors)}
      ${processForm(c, `/budgets?group=${encodeURIComponent(group.name)}`, values, errors)}`;
    return c.html(layout(c, title, body), status);
  };

  app.get("/budgets/new", async (c) => {
    const group = await groupToRun(c, c.req.query("group") ?? "");
    return newPage(c, group, { currency: "EUR", spendingCap: "1" }, {}, 200);
  });

  app.post("/budgets", async (c) => {
    const viewer = requireViewer(c);
    const group = await groupToRun(c, c.req.query("group") ?? "");
    const form = await readForm(c);
    const parsed = parseProcessForm(c, form, deps.clock.now());
    if (!parsed.ok) return newPage(c, group, form, parsed.errors, 422);
    const made = await createProcess(ctx, actorOf(deps, viewer), {
      groupId: group.id,
      process: parsed.value,
    });
    if (!made.ok) {
      if (made.reason === "invalid")
        return newPage(c, group, form, { title: t(c)("budgets.error.invalid") }, 422);
      throw new InputError(problemText(c, made.reason), problemStatus(made.reason));
    }
    return redirectHere(c, `/budgets/${made.value.id}`, 303);
  });

  app.get("/budgets/:id", async (c) => {
    // A copy (group null) is read-only here: its host runs it.
    const { process, group } = await processOrCopyFromPath(c, deps);
    const viewer = c.get("viewer");
    const actor = viewer ? actorOf(deps, viewer) : null;
    const runs = actor && group ? await canRun(deps.db, deps.config.origin, group, actor) : false;
    const takesPart = actor ? await canTakePart(ctx, process, actor.uri) : false;
    const [districts, funded] = await Promise.all([
      districtsOf(ctx, process.id),
      fundedProjectIds(ctx, process.id),
    ]);
    // Before voting every proposal shows (with its review); from voting on, the ballot's.
    const statuses =
      process.phase === "proposing" || process.phase === "review"
        ? (["proposed", "feasible", "infeasible"] as const)
        : (["feasible"] as const);
    const projects = await projectsOf(ctx, process.id, { statuses });
    const next = nextPhase(process.phase);
    const counted =
      funded.size > 0 || (process.phase !== "results" && process.phase !== "implementation");
    const actions = html`
      ${!group ? html`<p class="notice">${t(c)("budgets.elsewhere", { host: hostOf(process) })}</p>` : ""}
      ${process.phase === "proposing" && takesPart && !process.imported ? html`<p><a class="button" href="/budgets/${process.id}/propose">${t(c)("budgets.propose")}</a></p>` : ""}
      ${process.phase === "voting" && takesPart ? html`<p><a class="button" href="/budgets/${process.id}/vote">${t(c)("budgets.vote.link")}</a></p>` : ""}
      ${process.phase === "results" || process.phase === "implementation" ? html`<p><a href="/budgets/${process.id}/results">${t(c)("budgets.results.link")}</a></p>` : ""}
      ${!counted ? html`<p class="notice">${t(c)("budgets.results.waiting")}</p>` : ""}
      ${!viewer ? html`<p><a href="/login">${t(c)("nav.login")}</a> — ${t(c)("budgets.signIn")}</p>` : !takesPart && process.phase !== "results" && process.phase !== "implementation" ? html`<p class="muted">${t(c)("budgets.notEligible")}</p>` : ""}
      ${
        runs
          ? html`<div class="pb-moderate">
            ${process.phase === "proposing" || process.phase === "review" ? html`<p><a href="/budgets/${process.id}/review">${t(c)("budgets.review.link")}</a></p>` : ""}
            ${
              next
                ? html`<form method="post" action="/budgets/${process.id}/phase" class="inline">${csrfField(c)}
                  <input type="hidden" name="to" value="${next}" />
                  <button type="submit" class="secondary">${t(c)("budgets.advance", { phase: phaseName(c, next) })}</button></form>`
                : ""
            }</div>`
          : ""
      }`;
    const body = html`<p>${group ? html`<a href="/groups/${group.name}">${groupName(c, group)}</a> · ` : ""}<a href="/budgets">${t(c)("budgets.title")}</a></p>
      <h1>${process.title}</h1>
      ${notice(c.req.query("done"))}
      ${process.description ? html`<p class="pb-description">${process.description}</p>` : ""}
      ${phaseTimeline(c, process)}
      ${actions}
      <h2>${t(c)("budgets.projects")}</h2>
      ${projectsByDistrict(c, process, districts, projects, funded)}
      ${projectMap(
        process.id,
        mapPoints(projects, funded),
        {
          heading: t(c)("budgets.map"),
          intro: t(c)("budgets.map.intro"),
          funded: t(c)("budgets.funded"),
          coordinates: (lat, lon) => t(c)("budgets.map.coordinates", { lat, lon }),
        },
        c.get("locale"),
      )}`;
    return c.html(layout(c, process.title, body));
  });

  app.post("/budgets/:id/phase", async (c) => {
    const viewer = requireViewer(c);
    const { process } = await processFromPath(c, deps);
    const form = await readForm(c);
    const to = nextPhase(process.phase);
    if (!to || form.to !== to) throw new InputError(t(c)("budgets.error.wrongPhase"), 409);
    const moved = await advancePhase(ctx, actorOf(deps, viewer), process.id, to);
    if (!moved.ok) throw new InputError(problemText(c, moved.reason), problemStatus(moved.reason));
    return redirectHere(
      c,
      `/budgets/${process.id}${doneQuery(t(c)("budgets.advanced", { phase: phaseName(c, to) }))}`,
      303,
    );
  });

  app.route("/", proposePages(deps));
  app.route("/", reviewPages(deps));
  app.route("/", projectPages(deps));
  app.route("/", editProposalPages(deps));
  return app;
}
