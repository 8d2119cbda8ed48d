/**
 * The results of a participatory budget, read from pb_results (the worker
 * counted them; nothing is counted here): per district, the money spent, the
 * allocation per category as a chart with its table, the funded projects in the
 * order they were bought with who paid what, the others with how much cheaper
 * or how many more supporters they needed, and the comparison with greedy. The
 * district's .pb export sits at /budgets/:id/districts/:did/export.pb.
 *
 * A stored count does not change until the next count, so the page's view is
 * kept per process and computed_at (a large election's JSON is parsed once, not
 * per visitor); a recount changes computed_at and so the key.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { exportPb } from "../../governance/budgeting/processes/pb-files.ts";
import type { Process } from "../../governance/budgeting/processes/reads.ts";
import { type ProcessResults, resultsOf } from "../../governance/budgeting/processes/results.ts";
import type {
  DistrictResults,
  ProjectOutcome,
} from "../../governance/budgeting/processes/results-view.ts";
import { InputError } from "../../kernel/errors.ts";
import type { WebEnv } from "../context.ts";
import type { GroupsDeps } from "../groups/render.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { type Html, layout } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { allocationChart, formatMoney } from "./allocation-chart.ts";
import { processForViewer } from "./vote-common.ts";

const t = (c: Context<WebEnv>) => c.get("t");

/** Views of recently shown results, by process and count (a small, bounded cache). */
const views = new Map<string, ProcessResults>();
const VIEWS_KEPT = 32;

async function cachedResults(
  deps: Pick<GroupsDeps, "db">,
  p: Process,
): Promise<ProcessResults | null> {
  const stamp = await deps.db
    .selectFrom("pb_results")
    .select((eb) => eb.fn.max("computed_at").as("at"))
    .where("process_id", "=", p.id)
    .executeTakeFirst();
  if (!stamp?.at) return resultsOf(deps, p.id);
  const key = `${p.id} ${stamp.at} ${p.updated_at}`;
  const kept = views.get(key);
  if (kept) return kept;
  const fresh = await resultsOf(deps, p.id);
  if (fresh) {
    if (views.size >= VIEWS_KEPT) views.delete(views.keys().next().value as string);
    views.set(key, fresh);
  }
  return fresh;
}

function why(c: Context<WebEnv>, o: ProjectOutcome, money: (n: number) => string): Html {
  const w = o.why;
  switch (w.kind) {
    case "paid": {
      // Thousands of voters fall in many payment groups: one line says who paid how much.
      const voters = w.payments.reduce((n, g) => n + g.voters, 0);
      const all = w.payments.filter((g) => g.everything).reduce((n, g) => n + g.voters, 0);
      const amounts = w.payments.map((g) => g.amount);
      const min = Math.min(...amounts);
      const max = Math.max(...amounts);
      const line =
        min === max
          ? t(c)("pbvote.results.why.paidEqual", { voters, amount: money(max) })
          : t(c)("pbvote.results.why.paidRange", { voters, min: money(min), max: money(max) });
      const rest = all ? ` ${t(c)("pbvote.results.why.allLeft", { n: all })}` : "";
      return html`<p class="pb-why">${line}${rest}</p>`;
    }
    case "turn":
      return html`<p class="pb-why">${t(c)("pbvote.results.why.turn", { order: w.order })}</p>`;
    case "lost": {
      const parts: string[] = [];
      if (w.neededCost !== null && w.cheaperBy !== null)
        parts.push(
          t(c)("pbvote.results.why.cheaper", {
            needed: money(w.neededCost),
            by: money(w.cheaperBy),
          }),
        );
      if (w.neededVotes !== null)
        parts.push(t(c)("pbvote.results.why.supporters", { n: w.neededVotes }));
      if (parts.length === 0) parts.push(t(c)("pbvote.results.why.lost"));
      return html`<p class="pb-why">${parts.join(" ")}</p>`;
    }
    default:
      return html`<p class="pb-why">${t(c)(`pbvote.results.why.${w.kind}` as MessageKey)}</p>`;
  }
}

function districtSection(
  c: Context<WebEnv>,
  p: Process,
  d: DistrictResults,
  several: boolean,
): Html {
  const money = (n: number) => formatMoney(c.get("locale"), p.currency, n);
  const item = (o: ProjectOutcome) =>
    html`<li><a href="${safeUrl(`/budgets/${p.id}/projects/${o.id}`)}"><strong>${o.title}</strong></a> — ${t(c)("pbvote.results.votes", { votes: o.votes, cost: money(o.cost) })}${why(c, o, money)}</li>`;
  const list = (xs: ProjectOutcome[]) =>
    xs.length
      ? html`<ol class="pb-results">${xs.map(item)}</ol>`
      : html`<p>${t(c)("pbvote.results.none")}</p>`;
  const g = d.greedy;
  return html`<section aria-labelledby="d-${d.districtId}">
    ${several ? html`<h2 id="d-${d.districtId}">${d.name}</h2>` : html`<h2 id="d-${d.districtId}" class="visually-hidden">${d.name}</h2>`}
    <p><strong>${t(c)("pbvote.results.summary", { ballots: d.ballots, spent: money(d.spent), budget: money(d.budget) })}</strong></p>
    ${allocationChart(d.categories, {
      budget: d.budget,
      spent: d.spent,
      money,
      labels: {
        caption: t(c)("pbvote.results.allocation"),
        category: t(c)("pbvote.results.category"),
        funded: t(c)("pbvote.results.spentRule"),
        greedy: t(c)("pbvote.results.spentGreedy"),
        unspent: t(c)("pbvote.results.unspent"),
        uncategorised: t(c)("pbvote.results.uncategorised"),
      },
    })}
    <h3>${t(c)("pbvote.results.funded")}</h3>
    ${list(d.winners)}
    <h3>${t(c)("pbvote.results.notFunded")}</h3>
    ${list(d.losers)}
    ${
      p.rule === "greedy"
        ? ""
        : html`<h3>${t(c)("pbvote.results.greedy")}</h3>
    <p>${g.same ? t(c)("pbvote.results.greedySame") : t(c)("pbvote.results.greedyDiffers", { spent: money(g.spent), count: g.selected })}</p>
    ${g.onlyRule.length ? html`<p>${t(c)("pbvote.results.onlyRule", { titles: g.onlyRule.join(", ") })}</p>` : ""}
    ${g.onlyGreedy.length ? html`<p>${t(c)("pbvote.results.onlyGreedy", { titles: g.onlyGreedy.join(", ") })}</p>` : ""}`
    }
    <p><a href="${safeUrl(`/budgets/${p.id}/districts/${d.districtId}/export.pb`)}" download>${t(c)("pbvote.results.export")}</a></p>
  </section>`;
}

export function resultsPages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = {
    db: deps.db,
    origin: deps.config.origin,
    domain: deps.config.domain,
    clock: deps.clock,
  };

  app.get("/budgets/:id/results", async (c) => {
    const p = await processForViewer(c, deps, c.req.param("id"));
    const title = t(c)("pbvote.results.title", { title: p.title });
    const head = html`<p><a href="${safeUrl(`/budgets/${p.id}`)}">← ${p.title}</a></p><h1>${title}</h1>`;
    if (p.phase !== "results" && p.phase !== "implementation")
      return c.html(layout(c, title, html`${head}<p>${t(c)("pbvote.results.notYet")}</p>`));
    const results = await cachedResults(deps, p);
    const districts = results?.districts ?? [];
    if (districts.length === 0)
      return c.html(
        layout(c, title, html`${head}<p role="status">${t(c)("pbvote.results.waiting")}</p>`),
      );
    const body = html`${head}
      ${p.imported ? html`<p>${t(c)("pbvote.results.imported")}</p>` : ""}
      <p>${t(c)("pbvote.results.ruleLine", { rule: t(c)(`pbvote.results.rule.${p.rule}` as MessageKey) })}</p>
      ${districts.map((d) => districtSection(c, p, d, districts.length > 1))}`;
    return c.html(layout(c, title, body));
  });

  app.get("/budgets/:id/districts/:did/export.pb", async (c) => {
    const p = await processForViewer(c, deps, c.req.param("id"));
    const file = await exportPb(ctx, p.id, c.req.param("did"));
    if (!file.ok)
      throw new InputError(
        t(c)(
          file.reason === "not-found"
            ? "pbvote.problem.district-not-found"
            : "pbvote.results.notYet",
        ),
        file.reason === "not-found" ? 404 : 409,
      );
    return c.body(file.value, 200, {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": `attachment; filename="budget-${p.id}-${c.req.param("did")}.pb"`,
    });
  });

  return app;
}
