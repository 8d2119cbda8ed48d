/** The commons pages' bodies: the landing page, a dataset, the declare form, my contributions. */
import type { Context } from "hono";
import { html } from "hono/html";
import type { Dataset } from "../../commons/datasets.ts";
import { epsilonOf } from "../../commons/datasets.ts";
import { MECHANISMS } from "../../commons/dp/index.ts";
import { fieldsToText } from "../../commons/fields.ts";
import type { LedgerState } from "../../commons/queries.ts";
import type { ReleaseView } from "../../commons/releases.ts";
import type { Group } from "../../groups/groups.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, type FieldErrors, field } from "../forms.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { timeTag } from "../time.ts";
import { fmtRho, questionText } from "./release-view.ts";

const datasetPath = (id: string) => `/commons/datasets/${id}`;

export function releaseList(c: Context<WebEnv>, releases: ReleaseView[]): Html {
  const t = c.get("t");
  if (releases.length === 0) return html`<p>${t("commons.releases.none")}</p>`;
  return html`<ul class="list">${releases.map(
    (r) =>
      html`<li><a href="${safeUrl(`/commons/releases/${r.id}`)}">${questionText(c, r.parsed)}${r.parsed.type === "SyncoCommonsCombinedRelease" ? ` ${t("commons.federated.combinedMark")}` : ""}</a> — ${r.parsed.dataset.title}, ${timeTag(c.get("locale"), r.created_at)} (ρ ${fmtRho(r.rho)})</li>`,
  )}</ul>`;
}

export function landingBody(
  c: Context<WebEnv>,
  datasets: Dataset[],
  releases: ReleaseView[],
  canDeclare: boolean,
): Html {
  const t = c.get("t");
  return html`<h1>${t("pillar.commons")}</h1>
    <p class="lead">${t("commons.lead")}</p>
    <p>${c.get("viewer") ? html`<a href="/commons/mine">${t("commons.mine.title")}</a>` : ""}
      ${canDeclare ? html` · <a href="/commons/new">${t("commons.declare.title")}</a>` : ""}</p>
    <h2>${t("commons.datasets")}</h2>
    ${
      datasets.length === 0
        ? html`<p>${t("commons.datasets.none")}</p>`
        : html`<ul class="list">${datasets.map(
            (d) =>
              html`<li><a href="${safeUrl(datasetPath(d.id))}">${d.title}</a> — ${d.purpose}</li>`,
          )}</ul>`
    }
    <h2>${t("commons.releases")}</h2>
    ${releaseList(c, releases)}`;
}

export interface DeclareValues {
  groupId?: string;
  title?: string;
  purpose?: string;
  unit?: string;
  period?: string;
  budgetRho?: string;
  defaultRho?: string;
  maxRowsPerUnit?: string;
  maxRowsPerMember?: string;
  fields?: string;
}

export function select(
  name: string,
  label: string,
  options: [string, string][],
  value: string | undefined,
  error?: string,
): Html {
  return html`<div class="field"><label for="f-${name}">${label}</label>
    <select id="f-${name}" name="${name}"${error ? html` aria-invalid="true" aria-describedby="f-${name}-error"` : ""}>
      ${options.map(([v, l]) => html`<option value="${v}"${v === value ? html` selected` : ""}>${l}</option>`)}
    </select>${error ? html`<p class="field-error" id="f-${name}-error">${error}</p>` : ""}</div>`;
}

export function declareBody(
  c: Context<WebEnv>,
  groups: Group[],
  v: DeclareValues,
  errors: FieldErrors,
): Html {
  const t = c.get("t");
  return html`<h1>${t("commons.declare.title")}</h1>
    <p class="lead">${t("commons.declare.lead")}</p>
    ${errorSummary(c, errors)}
    <form method="post" action="/commons/new">
      ${csrfField(c)}
      ${select(
        "groupId",
        t("commons.declare.group"),
        groups.map((g) => [g.id, g.display_name || g.name]),
        v.groupId,
        errors.groupId,
      )}
      ${field({ name: "title", label: t("commons.declare.titleLabel"), value: v.title ?? "", error: errors.title, required: true, maxlength: 200 })}
      ${field({ name: "purpose", label: t("commons.declare.purpose"), type: "textarea", value: v.purpose ?? "", error: errors.purpose, hint: t("commons.declare.purposeHint"), required: true })}
      ${field({ name: "fields", label: t("commons.declare.fields"), type: "textarea", value: v.fields ?? "", error: errors.fields, hint: t("commons.declare.fieldsHint"), required: true })}
      ${select(
        "unit",
        t("commons.declare.unit"),
        [
          ["member", t("commons.unit.member")],
          ["coop", t("commons.unit.coop")],
        ],
        v.unit,
        errors.unit,
      )}
      ${select(
        "period",
        t("commons.declare.period"),
        [
          ["month", t("commons.period.month")],
          ["quarter", t("commons.period.quarter")],
          ["year", t("commons.period.year")],
        ],
        v.period,
        errors.period,
      )}
      ${field({ name: "budgetRho", label: t("commons.declare.budget"), value: v.budgetRho ?? "1", error: errors.budgetRho, hint: t("commons.declare.budgetHint") })}
      ${field({ name: "defaultRho", label: t("commons.declare.defaultRho"), value: v.defaultRho ?? "0.1", error: errors.defaultRho })}
      ${field({ name: "maxRowsPerUnit", label: t("commons.declare.rowsPerUnit"), type: "number", value: v.maxRowsPerUnit ?? "1", error: errors.maxRowsPerUnit, hint: t("commons.declare.rowsPerUnitHint") })}
      ${field({ name: "maxRowsPerMember", label: t("commons.declare.rowsPerMember"), type: "number", value: v.maxRowsPerMember ?? "100", error: errors.maxRowsPerMember })}
      <button type="submit">${t("commons.declare.submit")}</button>
    </form>`;
}

export interface DatasetPageData {
  dataset: Dataset;
  ledger: LedgerState;
  releases: ReleaseView[];
  canContribute: boolean;
  canModerate: boolean;
  mine: number;
  reports: { id: string; reason: string }[];
  errors: FieldErrors;
  message?: string;
  values: Record<string, string>;
  /** The federated parts (federation-views.ts): asking the federation, a copy's answering, budgets. */
  federation?: Html;
}

function fieldFacts(c: Context<WebEnv>, d: Dataset): Html {
  const t = c.get("t");
  return html`<ul>${d.fieldList.map((f) =>
    f.type === "number"
      ? html`<li><strong>${f.name}</strong>: ${t("commons.field.number", { lower: f.lower, upper: f.upper, unit: f.unit, decimals: f.decimals })}</li>`
      : html`<li><strong>${f.name}</strong>: ${t("commons.field.category", { values: f.values.join(", ") })}</li>`,
  )}</ul>`;
}

function contributeForms(c: Context<WebEnv>, p: DatasetPageData): Html {
  const t = c.get("t");
  const d = p.dataset;
  // Each form carries its own consent box (ids differ so each label names its box).
  const consent = (id: string) => html`<input type="hidden" name="purpose" value="${d.purpose}" />
    <div class="field"><label class="check" for="${id}"><input type="checkbox" id="${id}" name="consent" value="yes" required /> ${t("commons.contribute.consent")}</label></div>`;
  return html`<section aria-labelledby="give-h"><h2 id="give-h">${t("commons.contribute.title")}</h2>
    <blockquote class="purpose">${d.purpose}</blockquote>
    <form method="post" action="${safeUrl(`${datasetPath(d.id)}/contribute`)}">
      ${csrfField(c)}
      ${d.fieldList.map((f) =>
        f.type === "number"
          ? field({
              name: `v_${f.name}`,
              label: `${f.name}${f.unit ? ` (${f.unit})` : ""}`,
              value: p.values[`v_${f.name}`] ?? "",
              error: p.errors[`v_${f.name}`],
              hint: `${f.lower} … ${f.upper}`,
              extra: "",
            })
          : select(
              `v_${f.name}`,
              f.name,
              f.values.map((x) => [x, x]),
              p.values[`v_${f.name}`],
              p.errors[`v_${f.name}`],
            ),
      )}
      ${consent("f-consent")}
      <button type="submit">${t("commons.contribute.submit")}</button>
    </form>
    <form method="post" action="${safeUrl(`${datasetPath(d.id)}/import`)}" enctype="multipart/form-data">
      ${csrfField(c)}
      ${field({ name: "csv", label: t("commons.import.file"), type: "file", accept: ".csv,text/csv", error: p.errors.csv, hint: t("commons.import.hint", { columns: d.fieldList.map((f) => f.name).join(",") }) })}
      ${consent("f-consent-csv")}
      <button type="submit">${t("commons.import.submit")}</button>
    </form>
    ${p.mine > 0 ? html`<p>${t("commons.contribute.mine", { n: p.mine })} <a href="/commons/mine">${t("commons.mine.title")}</a></p>` : ""}
  </section>`;
}

function queryForm(c: Context<WebEnv>, p: DatasetPageData): Html {
  const t = c.get("t");
  const d = p.dataset;
  const v = p.values;
  const numbers = d.fieldList.filter((f) => f.type === "number").map((f) => f.name);
  const categories = d.fieldList.filter((f) => f.type === "category").map((f) => f.name);
  return html`<section aria-labelledby="ask-h"><h2 id="ask-h">${t("commons.query.title")}</h2>
    <p class="hint">${t("commons.query.hint")}</p>
    <form method="post" action="${safeUrl(`${datasetPath(d.id)}/query`)}">
      ${csrfField(c)}
      ${select(
        "mechanism",
        t("commons.query.mechanism"),
        MECHANISMS.map((m) => [m, t(`commons.mechanism.${m}` as MessageKey)]),
        v.mechanism,
        p.errors.mechanism,
      )}
      ${select("field", t("commons.query.field"), [["", "—"], ...[...numbers, ...categories].map((n): [string, string] => [n, n])], v.field, p.errors.field)}
      ${select("by", t("commons.query.by"), [["", t("commons.query.noGroups")], ...categories.map((n): [string, string] => [n, n])], v.by, p.errors.by)}
      ${field({ name: "quantile", label: t("commons.query.quantile"), value: v.quantile ?? "0.5", error: p.errors.quantile })}
      ${field({ name: "rho", label: t("commons.query.rho"), value: v.rho ?? String(d.default_rho), error: p.errors.rho, hint: t("commons.query.rhoHint", { epsilon: fmtRho(epsilonOf(d.default_rho)) }) })}
      ${select(
        "noise",
        t("commons.query.noise"),
        [
          ["gauss", t("commons.noise.gauss")],
          ["laplace", t("commons.noise.laplace")],
        ],
        v.noise,
        p.errors.noise,
      )}
      <button type="submit">${t("commons.query.submit")}</button>
    </form></section>`;
}

export function datasetBody(c: Context<WebEnv>, p: DatasetPageData): Html {
  const t = c.get("t");
  const d = p.dataset;
  const l = p.ledger;
  const viewer = c.get("viewer");
  return html`<p><a href="/commons">${t("pillar.commons")}</a></p>
    <h1>${d.title}</h1>
    ${p.message ? html`<div class="errors" role="alert"><p>${p.message}</p></div>` : ""}
    ${d.status !== "open" ? html`<p class="notice">${t(`commons.status.${d.status}` as MessageKey)}</p>` : ""}
    <h2>${t("commons.dataset.purpose")}</h2>
    <p>${d.purpose}</p>
    <h2>${t("commons.dataset.fields")}</h2>
    ${fieldFacts(c, d)}
    <dl class="facts">
      <dt>${t("commons.declare.unit")}</dt><dd>${t(`commons.unit.${d.unit}` as MessageKey)} · ${t("commons.dataset.rowsPerUnit", { k: d.max_rows_per_unit })}</dd>
      <dt>${t("commons.dataset.budget")}</dt><dd>${t("commons.dataset.budgetText", { rho: fmtRho(d.budget_rho), epsilon: fmtRho(epsilonOf(d.budget_rho)), period: t(`commons.period.${d.period}` as MessageKey) })}</dd>
      <dt>${t("commons.dataset.remaining")}</dt><dd id="remaining">${t("commons.dataset.remainingText", { remaining: fmtRho(l.remaining), budget: fmtRho(l.budget), period: l.period })}</dd>
    </dl>
    ${viewer && p.canContribute && d.status === "open" ? contributeForms(c, p) : ""}
    ${viewer && d.status === "open" && d.local === 1 ? queryForm(c, p) : ""}
    ${p.federation ?? ""}
    <h2>${t("commons.releases")}</h2>
    ${releaseListOfDataset(c, p.releases)}
    ${viewer ? reportSection(c, p) : ""}`;
}

function releaseListOfDataset(c: Context<WebEnv>, releases: ReleaseView[]): Html {
  return releaseList(c, releases);
}

function reportSection(c: Context<WebEnv>, p: DatasetPageData): Html {
  const t = c.get("t");
  const d = p.dataset;
  return html`<details><summary>${t("commons.report.title")}</summary>
    <form method="post" action="${safeUrl(`${datasetPath(d.id)}/report`)}">
      ${csrfField(c)}
      ${field({ name: "reason", label: t("commons.report.reason"), type: "textarea", value: "", error: p.errors.reason, maxlength: 1000 })}
      <button type="submit">${t("commons.report.submit")}</button>
    </form></details>
    ${
      p.canModerate && p.reports.length > 0
        ? html`<section aria-labelledby="rep-h"><h2 id="rep-h">${t("commons.reports.title")}</h2><ul class="list">${p.reports.map(
            (r) => html`<li>${r.reason}
              <form method="post" action="${safeUrl(`/commons/reports/${r.id}`)}" class="inline">${csrfField(c)}
                <button name="action" value="dismiss">${t("commons.reports.dismiss")}</button>
                <button name="action" value="hide" class="danger">${t("commons.reports.hide")}</button></form></li>`,
          )}</ul></section>`
        : ""
    }`;
}

export interface MineEntry {
  dataset: Dataset;
  rows: {
    createdAt: string;
    withdrawnAt: string | null;
    excludedFrom: string | null;
    values: Record<string, string>;
  }[];
}

export function mineBody(
  c: Context<WebEnv>,
  entries: MineEntry[],
  used: { id: string; title: string; period: string; created_at: string }[],
  done?: string,
): Html {
  const t = c.get("t");
  return html`<p><a href="/commons">${t("pillar.commons")}</a></p>
    <h1>${t("commons.mine.title")}</h1>
    ${done ? html`<p class="notice ok" role="status">${done}</p>` : ""}
    <p class="lead" id="used">${t("commons.mine.used", { n: used.length })}</p>
    ${used.length ? html`<ul class="list">${used.map((r) => html`<li><a href="${safeUrl(`/commons/releases/${r.id}`)}">${r.title}</a> — ${r.period}, ${timeTag(c.get("locale"), r.created_at)}</li>`)}</ul>` : ""}
    ${entries.map((e) => {
      const active = e.rows.filter((r) => !r.withdrawnAt).length;
      const names = e.dataset.fieldList.map((f) => f.name);
      return html`<section><h2><a href="${safeUrl(datasetPath(e.dataset.id))}">${e.dataset.title}</a></h2>
        <div class="table-scroll" role="region" aria-label="${t("commons.mine.rows", { n: e.rows.length })}" tabindex="0"><table class="figures"><caption>${t("commons.mine.rows", { n: e.rows.length })}</caption>
          <thead><tr>${names.map((n) => html`<th scope="col">${n}</th>`)}<th scope="col">${t("commons.mine.given")}</th><th scope="col">${t("commons.mine.state")}</th></tr></thead>
          <tbody>${e.rows.map((r) => html`<tr>${names.map((n) => html`<td>${r.values[n] ?? ""}</td>`)}<td>${timeTag(c.get("locale"), r.createdAt)}</td><td>${r.withdrawnAt ? t("commons.mine.withdrawnFrom", { period: r.excludedFrom ?? "" }) : t("commons.mine.active")}</td></tr>`)}</tbody></table></div>
        <p><a href="${safeUrl(`/commons/mine/${e.dataset.id}/rows.csv`)}" download>${t("commons.mine.export")}</a></p>
        ${active > 0 ? html`<form method="post" action="${safeUrl(`${datasetPath(e.dataset.id)}/withdraw`)}">${csrfField(c)}<p class="hint">${t("commons.mine.withdrawHint")}</p><button type="submit" class="danger">${t("commons.mine.withdraw")}</button></form>` : ""}
      </section>`;
    })}`;
}

export { fieldsToText };
