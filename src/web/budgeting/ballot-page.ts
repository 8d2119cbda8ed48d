/**
 * The ballot of a participatory budget, phone-first and with no script needed:
 * one district at a time, each project a large tick box (approval) or a points
 * field (cumulative) with its cost; the running total is drawn by the server
 * for the ballot as it stands and, where scripts run, kept current by
 * pb-ballot.js (a static file under its content hash: the CSP allows scripts
 * from this origin only). Bad ballots re-render with 422 and change nothing; a
 * secret ballot's receipt is shown once, in the answer to the vote.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { choicesFromForm } from "../../governance/budgeting/processes/ballot-rules.ts";
import {
  ballotOf,
  type CastProblem,
  castBallot,
  type DistrictBallot,
  districtBallot,
  withdrawBallot,
} from "../../governance/budgeting/processes/ballots.ts";
import type { Process } from "../../governance/budgeting/processes/reads.ts";
import { categoriesOf, districtsOf } from "../../governance/budgeting/processes/reads.ts";
import { InputError } from "../../kernel/errors.ts";
import { memberUri } from "../../kernel/uris.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, field, notice, refuseUnsafeNames } from "../forms.ts";
import type { GroupsDeps } from "../groups/render.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { type Html, layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { formatMoney } from "./allocation-chart.ts";
import { hostOf } from "./render.ts";
import { ballotScriptPath, processForViewer } from "./vote-common.ts";

const t = (c: Context<WebEnv>) => c.get("t");

interface BallotState {
  picks: Record<string, number>;
  errors?: string[];
  receipt?: string;
  saved?: boolean;
  withdrawn?: boolean;
  voted: boolean;
}

const STATUS: Partial<Record<CastProblem, 403 | 404 | 409>> = {
  "not-found": 404,
  "district-not-found": 404,
  "not-hosted-here": 409,
  "not-voting": 409,
  "not-eligible": 403,
};

function rulesLine(c: Context<WebEnv>, p: Process, budget: string): Html {
  const lines: string[] = [];
  if (p.ballot_kind === "approval") {
    const min = p.min_projects;
    const max = p.max_projects;
    if (min !== null && max !== null) lines.push(t(c)("pbvote.vote.bounds", { min, max }));
    else if (min !== null) lines.push(t(c)("pbvote.vote.min", { min }));
    else if (max !== null) lines.push(t(c)("pbvote.vote.max", { max }));
    if (p.spending_cap) lines.push(t(c)("pbvote.vote.cap", { budget }));
  }
  return html`${lines.map((l) => html`<p>${l}</p>`)}`;
}

function ballotBody(
  c: Context<WebEnv>,
  p: Process,
  districts: { id: string; name: string }[],
  ballot: DistrictBallot,
  categories: Map<string, string>,
  state: BallotState,
): Html {
  const locale = c.get("locale");
  const money = (minor: number) => formatMoney(locale, p.currency, minor);
  const budget = money(ballot.district.budget);
  const base = `/budgets/${p.id}`;
  const secret = p.secrecy === "secret";
  const approval = p.ballot_kind === "approval";
  const total = ballot.projects.reduce((s, x) => s + (state.picks[x.id] ? x.cost : 0), 0);
  const used = Object.values(state.picks).reduce((s, n) => s + n, 0);
  const over = approval ? total > ballot.district.budget : used > (p.points ?? 0);
  const template = approval
    ? t(c)("pbvote.vote.total", { total: "{total}", budget: "{budget}" })
    : t(c)("pbvote.vote.pointsLeft", { used: "{used}", points: "{points}" });
  const totalText = approval
    ? t(c)("pbvote.vote.total", { total: money(total), budget }) +
      (over ? ` (${t(c)("pbvote.vote.totalOver")})` : "")
    : t(c)("pbvote.vote.pointsLeft", { used, points: p.points ?? 0 });
  const category = (id: string | null) => (id ? categories.get(id) : undefined);
  const items = ballot.projects.map((x) => {
    const cat = category(x.category_id);
    const about = html`<span class="pb-meta">${cat ? t(c)("pbvote.vote.category", { name: cat }) : ""}</span>`;
    const details = html`<a class="pb-details" href="${safeUrl(`${base}/projects/${x.id}`)}">${t(c)("pbvote.vote.details", { title: x.title })}</a>`;
    return approval
      ? html`<li><label><input type="checkbox" name="project" value="${x.id}" data-cost="${x.cost}"${state.picks[x.id] ? html` checked` : ""} /><span class="pb-project">${x.title}${about}</span><span class="pb-cost">${money(x.cost)}</span></label>${details}</li>`
      : html`<li><label><span class="pb-project">${x.title}<span class="pb-meta">${money(x.cost)}${cat ? ` · ${t(c)("pbvote.vote.category", { name: cat })}` : ""}</span></span><input type="number" inputmode="numeric" min="0" max="${p.points ?? 0}" name="points.${x.id}" value="${state.picks[x.id] ? String(state.picks[x.id]) : ""}" aria-label="${t(c)("pbvote.vote.points", { title: x.title })}" data-pb-points="1" /></label>${details}</li>`;
  });
  const districtNav =
    districts.length > 1
      ? html`<nav aria-label="${t(c)("pbvote.vote.districts")}"><ul class="pb-districts">${districts.map(
          (d) =>
            d.id === ballot.district.id
              ? html`<li><strong aria-current="page">${d.name}</strong></li>`
              : html`<li><a href="${safeUrl(`${base}/vote?district=${encodeURIComponent(d.id)}`)}">${d.name}</a></li>`,
        )}</ul></nav>`
      : "";
  return html`<p><a href="${safeUrl(base)}">← ${p.title}</a></p>
    <h1>${t(c)("pbvote.vote.title", { title: p.title })}</h1>
    ${districtNav}
    ${state.errors?.length ? errorSummary(c, {}, state.errors.join(" ")) : ""}
    ${state.receipt ? html`<div role="status"><p>${t(c)("pbvote.vote.receiptShown")}</p><p class="pb-receipt">${state.receipt}</p></div>` : ""}
    ${notice(state.saved ? t(c)("pbvote.vote.saved") : state.withdrawn ? t(c)("pbvote.vote.withdrawn") : undefined)}
    ${state.voted && !state.receipt ? html`<p>${t(c)(secret ? "pbvote.vote.votedSecret" : "pbvote.vote.voted")}</p>` : ""}
    <p><strong>${t(c)("pbvote.vote.budget", { district: ballot.district.name, budget })}</strong></p>
    <p>${approval ? t(c)("pbvote.vote.lead.approval") : t(c)("pbvote.vote.lead.cumulative", { points: p.points ?? 0 })}</p>
    ${rulesLine(c, p, budget)}
    ${p.local ? "" : html`<p class="notice">${t(c)("pbvote.vote.elsewhere", { host: hostOf(p) })}${secret ? ` ${t(c)("pbvote.vote.elsewhereSecret", { host: hostOf(p) })}` : ""}</p>`}
    ${secret ? html`<p>${t(c)("pbvote.vote.secret")}</p>` : ""}
    ${
      ballot.projects.length === 0
        ? html`<p>${t(c)("pbvote.vote.noProjects")}</p>`
        : html`<form method="post" action="${safeUrl(`${base}/vote`)}" data-pb-ballot="1" data-kind="${p.ballot_kind}" data-budget="${ballot.district.budget}" data-points="${p.points ?? 0}" data-currency="${p.currency}" data-locale="${locale}" data-template="${template}" data-over="${t(c)("pbvote.vote.totalOver")}">
      ${csrfField(c)}
      <input type="hidden" name="district" value="${ballot.district.id}" />
      <ul class="pb-ballot">${items}</ul>
      ${secret && state.voted && !state.receipt ? field({ name: "receipt", label: t(c)("pbvote.vote.receipt"), hint: t(c)("pbvote.vote.receiptHint"), autocomplete: "off" }) : ""}
      <p class="pb-total${over ? " over" : ""}"><output data-pb-total="1" aria-live="polite">${totalText}</output></p>
      <p><button type="submit">${t(c)(state.voted ? "pbvote.vote.change" : "pbvote.vote.send")}</button></p>
    </form>`
    }
    ${
      state.voted && !state.receipt
        ? html`<form method="post" action="${safeUrl(`${base}/vote/withdraw`)}">${csrfField(c)}<input type="hidden" name="district" value="${ballot.district.id}" />${
            secret
              ? field({ name: "receipt", label: t(c)("pbvote.vote.receipt"), autocomplete: "off" })
              : ""
          }<button type="submit" class="secondary">${t(c)("pbvote.vote.withdraw")}</button></form>`
        : ""
    }
    <script src="${safeUrl(ballotScriptPath)}" defer></script>`;
}

export function ballotPages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = {
    db: deps.db,
    origin: deps.config.origin,
    domain: deps.config.domain,
    clock: deps.clock,
  };

  /** The process, its districts and the asked-for district's ballot, or 404. */
  const load = async (c: Context<WebEnv>, districtId: string | undefined) => {
    const p = await processForViewer(c, deps, c.req.param("id") ?? "");
    const districts = await districtsOf(ctx, p.id);
    const id = districtId || districts[0]?.id || "";
    const ballot = await districtBallot(deps.db, p.id, id);
    if (!ballot) throw new InputError(t(c)("pbvote.problem.district-not-found"), 404);
    const categories = new Map((await categoriesOf(ctx, p.id)).map((x) => [x.id, x.name]));
    return { p, districts, ballot, categories };
  };

  const page = async (
    c: Context<WebEnv>,
    districtId: string | undefined,
    state: (voted: boolean, stored: Record<string, number> | null) => BallotState,
    status: 200 | 403 | 404 | 409 | 422,
  ) => {
    const viewer = requireViewer(c);
    const { p, districts, ballot, categories } = await load(c, districtId);
    const voter = { uri: memberUri(deps.config.origin, viewer.username), accountId: viewer.id };
    if (p.phase !== "voting") {
      const results =
        p.phase === "results" || p.phase === "implementation"
          ? html`<p><a href="${safeUrl(`/budgets/${p.id}/results`)}">${t(c)("pbvote.vote.results")}</a></p>`
          : "";
      const body = html`<p><a href="${safeUrl(`/budgets/${p.id}`)}">← ${p.title}</a></p><h1>${t(c)("pbvote.vote.title", { title: p.title })}</h1><p>${t(c)("pbvote.vote.notVoting")}</p>${results}`;
      return c.html(
        layout(c, t(c)("pbvote.vote.title", { title: p.title }), body),
        status === 200 ? 200 : status,
      );
    }
    const mine = await ballotOf(ctx, voter, { processId: p.id, districtId: ballot.district.id });
    const body = ballotBody(c, p, districts, ballot, categories, state(mine.voted, mine.choices));
    return c.html(layout(c, t(c)("pbvote.vote.title", { title: p.title }), body), status);
  };

  app.get("/budgets/:id/vote", (c) =>
    page(
      c,
      c.req.query("district"),
      (voted, stored) => ({
        voted,
        picks: stored ?? {},
        saved: c.req.query("saved") === "1",
        withdrawn: c.req.query("withdrawn") === "1",
      }),
      200,
    ),
  );

  app.post("/budgets/:id/vote", async (c) => {
    const viewer = requireViewer(c);
    const body = await c.req.parseBody({ all: true });
    refuseUnsafeNames(c, body);
    const one = (v: unknown) =>
      typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "";
    const districtId = one(body.district);
    const receipt = one(body.receipt).trim();
    const p = await processForViewer(c, deps, c.req.param("id") ?? "");
    const raw = choicesFromForm(p.ballot_kind, body);
    const voter = { uri: memberUri(deps.config.origin, viewer.username), accountId: viewer.id };
    const cast = await castBallot(ctx, voter, {
      processId: p.id,
      districtId,
      choices: raw,
      ...(receipt ? { receipt } : {}),
    });
    if (cast.ok && !cast.value.receipt)
      return redirectHere(
        c,
        `/budgets/${p.id}/vote?district=${encodeURIComponent(districtId)}&saved=1`,
        303,
      );
    if (cast.ok)
      return page(
        c,
        districtId,
        () => ({ voted: true, picks: {}, receipt: cast.value.receipt as string }),
        200,
      );
    const status = STATUS[cast.reason];
    if (status === 404)
      throw new InputError(t(c)(`pbvote.problem.${cast.reason}` as MessageKey), 404);
    const picks: Record<string, number> = {};
    for (const [id, v] of Object.entries(raw)) if (typeof v === "number" && v > 0) picks[id] = v;
    return page(
      c,
      districtId,
      (voted) => ({ voted, picks, errors: [t(c)(`pbvote.problem.${cast.reason}` as MessageKey)] }),
      status ?? 422,
    );
  });

  app.post("/budgets/:id/vote/withdraw", async (c) => {
    const viewer = requireViewer(c);
    const body = await c.req.parseBody();
    refuseUnsafeNames(c, body);
    const districtId = typeof body.district === "string" ? body.district : "";
    const receipt = typeof body.receipt === "string" ? body.receipt.trim() : "";
    const p = await processForViewer(c, deps, c.req.param("id") ?? "");
    const voter = { uri: memberUri(deps.config.origin, viewer.username), accountId: viewer.id };
    const done = await withdrawBallot(ctx, voter, {
      processId: p.id,
      districtId,
      ...(receipt ? { receipt } : {}),
    });
    if (done.ok)
      return redirectHere(
        c,
        `/budgets/${p.id}/vote?district=${encodeURIComponent(districtId)}&withdrawn=1`,
        303,
      );
    if (done.reason === "not-found") throw new InputError(t(c)("pbvote.problem.not-found"), 404);
    return page(
      c,
      districtId,
      (voted, stored) => ({
        voted,
        picks: stored ?? {},
        errors: [t(c)(`pbvote.problem.${done.reason}` as MessageKey)],
      }),
      done.reason === "not-voting" || done.reason === "not-hosted-here" ? 409 : 422,
    );
  });

  return app;
}
