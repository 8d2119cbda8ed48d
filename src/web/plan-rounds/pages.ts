/**
 * The plan-round pages (issue 21, "Plan rounds"): /plan-rounds lists the
 * rounds on this node (run by a federation here, or copies from federations
 * elsewhere) with, for each federation here a member moderates, the form to
 * open a round and the form to propose priority weights (a decision);
 * /plan-rounds/{id} is a round: its state, the co-op's part with Accept/Reject,
 * the diagnosis when infeasible, and (hosted here) the whole plan, every
 * allocation explained. Signed-in members of the node see rounds; the co-op's
 * admins and moderators answer. Bad input re-renders with 422 and writes nothing.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { Config } from "../../config.ts";
import type { Db } from "../../db/database.ts";
import { answerPart } from "../../economy/plan-rounds/answers.ts";
import { acceptsHours, statedHours, stateHours } from "../../economy/plan-rounds/hours.ts";
import { roundView } from "../../economy/plan-rounds/reads.ts";
import { allRounds, canRunRounds, openRound } from "../../economy/plan-rounds/rounds.ts";
import { groupWeights, proposeWeights } from "../../economy/plan-rounds/weights.ts";
import { findGroup, type Group } from "../../groups/groups.ts";
import type { Clock } from "../../kernel/clock.ts";
import { InputError } from "../../kernel/errors.ts";
import { coopUri } from "../../kernel/uris.ts";
import type { WebEnv } from "../context.ts";
import { type FieldErrors, notice, readForm, refuseUnsafeNames } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import {
  diagnosisSection,
  hoursSection,
  openForm,
  partSection,
  planSection,
  roundSummary,
  statusBadge,
  weightsForm,
  weightsText,
} from "./views.ts";

export interface PlanRoundPagesDeps {
  db: Db["db"];
  config: Pick<Config, "origin" | "domain">;
  clock: Clock;
}

type C = Context<WebEnv>;
type Errors = { group: string; open?: FieldErrors; weights?: FieldErrors };

/** "2026-03-04T12:00" from a datetime-local field, read as UTC. */
const fromLocalInput = (value: string) =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00Z` : value;

/** "food = 3" per line → { food: 3 }, or null if a line does not read. */
export function parseWeightLines(text: string): Record<string, number> | null {
  const out: Record<string, number> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const m = /^\s*([^=]{1,60}?)\s*=\s*([0-9]+(?:\.[0-9]+)?)\s*$/.exec(line);
    if (!m?.[1] || !m[2]) return null;
    out[m[1]] = Number(m[2]);
  }
  return out;
}

export function planRoundPages(deps: PlanRoundPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = () => ({ db: deps.db, origin: deps.config.origin, clock: deps.clock });
  const notFound = (c: C) => new InputError(c.get("t")("error.notFound"), 404);

  async function federationsRun(c: C): Promise<Group[]> {
    const viewer = requireViewer(c);
    const groups = await deps.db
      .selectFrom("groups")
      .selectAll()
      .where("kind", "=", "federation")
      .orderBy("name")
      .limit(100)
      .execute();
    const mine: Group[] = [];
    for (const g of groups) if (await canRunRounds(ctx(), g, viewer)) mine.push(g);
    return mine;
  }

  async function listPage(c: C, values: Record<string, string> = {}, errors?: Errors) {
    requireViewer(c);
    const t = c.get("t");
    const rounds = await allRounds(deps.db);
    const forms = [];
    for (const g of await federationsRun(c)) {
      const mine = errors?.group === g.name;
      const { weights } = await groupWeights(deps.db, g.id);
      forms.push(openForm(c, g, weights, mine ? values : {}, (mine && errors?.open) || {}));
      forms.push(weightsForm(c, g, mine ? values : {}, (mine && errors?.weights) || {}));
    }
    const body = html`<h1>${t("plan.title")}</h1><p class="lead">${t("plan.lead")}</p>
      ${rounds.length ? html`<ul class="cards plan-list">${rounds.map((r) => roundSummary(c, r))}</ul>` : html`<p class="muted">${t("plan.none")}</p>`}
      <div class="plan-forms">${forms}</div>`;
    return c.html(layout(c, t("plan.title"), body), errors ? 422 : 200);
  }

  async function runGroup(c: C): Promise<Group> {
    const group = await findGroup(deps.db, c.req.param("name") ?? "");
    if (group?.kind !== "federation") throw notFound(c);
    if (!(await canRunRounds(ctx(), group, requireViewer(c))))
      throw new InputError(c.get("t")("plan.problem.forbidden"), 403);
    return group;
  }

  app.get("/plan-rounds", (c) => listPage(c));

  app.post("/groups/:name/plan-rounds", async (c) => {
    const group = await runGroup(c);
    const t = c.get("t");
    const form = await readForm(c);
    const opened = await openRound(ctx(), requireViewer(c), {
      groupId: group.id,
      round: { title: form.title ?? "", deadline: fromLocalInput(form.deadline ?? "") },
    });
    if (opened.ok) return redirectHere(c, `/plan-rounds/${opened.value.id}`, 303);
    if (opened.reason === "forbidden") throw new InputError(t("plan.problem.forbidden"), 403);
    const field = opened.reason === "bad-deadline" ? "deadline" : "title";
    const message =
      opened.reason === "invalid" && !(form.title ?? "").trim()
        ? t("plan.problem.invalid")
        : t(`plan.problem.${opened.reason}`);
    return listPage(c, form, { group: group.name, open: { [field]: message } });
  });

  app.post("/groups/:name/plan-rounds/weights", async (c) => {
    const group = await runGroup(c);
    const t = c.get("t");
    const form = await readForm(c);
    const weights = parseWeightLines(form.weights ?? "");
    const days = Number(form.days ?? "");
    if (!weights || !Number.isInteger(days) || days < 1 || days > 60)
      return listPage(c, form, {
        group: group.name,
        weights: weights ? { days: t("plan.problem.invalid") } : { weights: t("plan.weights.bad") },
      });
    const closesAt = new Date(deps.clock.now().getTime() + days * 86_400_000).toISOString();
    const proposed = await proposeWeights(
      { ...ctx(), domain: deps.config.domain },
      requireViewer(c),
      {
        groupId: group.id,
        proposal: { weights, closesAt },
      },
    );
    if (!proposed.ok)
      return listPage(c, form, { group: group.name, weights: { weights: t("plan.weights.bad") } });
    return redirectHere(c, `/groups/${group.name}`, 303);
  });

  async function roundPage(
    c: C,
    errors: FieldErrors = {},
    message?: string,
    status: 200 | 422 = 200,
    hoursErrors?: FieldErrors,
    hoursMessage?: string,
  ) {
    requireViewer(c);
    const t = c.get("t");
    const view = await roundView(
      deps.db,
      deps.config.origin,
      c.req.param("id") ?? "",
      deps.clock.now(),
    );
    if (!view) throw notFound(c);
    const r = view.round;
    const hours = acceptsHours(r)
      ? hoursSection(c, r.id, await statedHours(ctx(), r.id), hoursErrors ?? {}, hoursMessage)
      : "";
    const body = html`<p><a href="${safeUrl("/plan-rounds")}">← ${t("plan.back")}</a></p>
      <h1>${r.title}</h1>
      <p>${statusBadge(c, r)} · ${r.local ? t("plan.hosted") : t("plan.copy")}</p>
      <p class="muted">${t("plan.deadline", { when: new Date(r.deadline).toISOString().slice(0, 16).replace("T", " ") })}${r.revision > 0 ? ` · ${t("plan.revision", { n: r.revision })}` : ""}${r.solver_version ? ` · ${t("plan.solver", { version: r.solver_version })}` : ""}</p>
      <p class="muted">${t("plan.weightsNow", { weights: weightsText(c, view.weights) })}</p>
      ${c.req.query("answered") ? notice(t("plan.answer.done")) : ""}
      ${c.req.query("hours") ? notice(t("plan.hours.done")) : ""}
      ${diagnosisSection(c, view.diagnosis)}
      ${partSection(c, view, coopUri(deps.config.origin), errors, message)}
      ${hours}
      ${planSection(c, view)}`;
    return c.html(layout(c, r.title, body), status);
  }

  app.get("/plan-rounds/:id", (c) => roundPage(c));

  app.post("/plan-rounds/:id/answer", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const body = await c.req.parseBody({ all: true });
    refuseUnsafeNames(c, body);
    const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
    const rejected = list(body.rejected).filter((v): v is string => typeof v === "string");
    const answer = typeof body.answer === "string" ? body.answer : "";
    const note = typeof body.note === "string" ? body.note : "";
    if (answer === "reject" && rejected.length === 0 && !note.trim())
      return roundPage(c, { note: t("plan.answer.legend") }, undefined, 422);
    const done = await answerPart(ctx(), viewer, {
      roundId: c.req.param("id"),
      answer: { answer, rejected: answer === "reject" ? rejected : [], note },
    });
    if (done.ok) return redirectHere(c, `/plan-rounds/${c.req.param("id")}?answered=1`, 303);
    if (done.reason === "forbidden") throw new InputError(t("plan.problem.forbidden"), 403);
    if (done.reason === "not-found") throw notFound(c);
    return roundPage(c, {}, t(`plan.problem.${done.reason}`), 422);
  });

  app.post("/plan-rounds/:id/hours", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const body = await c.req.parseBody();
    refuseUnsafeNames(c, body);
    const raw = typeof body.hours === "string" ? body.hours.trim() : "";
    const hours = /^\d+(?:\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
    const done = await stateHours(ctx(), viewer, { roundId: c.req.param("id"), hours });
    if (done.ok) return redirectHere(c, `/plan-rounds/${c.req.param("id")}?hours=1`, 303);
    if (done.reason === "forbidden") throw new InputError(t("plan.problem.forbidden"), 403);
    if (done.reason === "not-found") throw notFound(c);
    if (done.reason === "invalid")
      return roundPage(c, {}, undefined, 422, { hours: t("plan.hours.bad") });
    return roundPage(c, {}, undefined, 422, {}, t(`plan.problem.${done.reason}`));
  });

  return app;
}
