/**
 * The opsroom's page bodies: a group's board (and a federation's: its member
 * co-ops and escalations), the wall, an indicator (chart, table behind it,
 * Beer's measures, report by form or CSV, its alarms and false-alarm rate), an
 * alarm or escalation with its story and the acts on it, and the settings.
 * States always carry a word beside their colour and pattern.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { Alarm, AlarmNote, Escalation } from "../../economy/opsroom/alarms.ts";
import { beerMeasures } from "../../economy/opsroom/beer.ts";
import type { BoardRow, MemberRow } from "../../economy/opsroom/board.ts";
import type { Indicator } from "../../economy/opsroom/indicators.ts";
import type { GroupSettings } from "../../economy/opsroom/settings.ts";
import { opsroomPath } from "../../economy/opsroom/uris.ts";
import type { Group } from "../../groups/groups.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, type FieldErrors, field, notice, scrollBox } from "../forms.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { timeTag } from "../time.ts";
import { type ChartPoint, formatNumber, indicatorChart } from "./chart.ts";

type C = Context<WebEnv>;

export function statusBadge(c: C, status: string): Html {
  return html`<span class="ops-status ${status}">${c.get("t")(`ops.status.${status}` as "ops.status.normal")}</span>`;
}

const stateText = (c: C, state: string) => c.get("t")(`ops.state.${state}` as "ops.state.open");

export function boardList(c: C, rows: readonly BoardRow[]): Html {
  const t = c.get("t");
  if (rows.length === 0) return html`<p class="notice">${t("ops.board.none")}</p>`;
  return html`<ul class="ops-board">${rows.map(
    (r) => html`<li class="${r.indicator.status}">
      <a href="${safeUrl(`/opsroom/indicators/${r.indicator.id}`)}"><strong>${r.indicator.name}</strong></a>
      <div class="figure">${formatNumber(r.indicator.last_value)} <small>${r.indicator.unit}</small></div>
      ${statusBadge(c, r.indicator.status)}
      ${r.late ? html` <span class="ops-status late">${t("ops.late")}</span>` : ""}
      <p class="muted">${r.indicator.last_period ? t("ops.lastPeriod", { period: r.indicator.last_period }) : t("ops.noValues")}
      ${r.waiting > 0 ? html` · ${t("ops.waitingAlarms", { n: r.waiting })}` : ""}</p>
    </li>`,
  )}</ul>`;
}

export function membersTable(c: C, group: Group, rows: readonly MemberRow[]): Html {
  const t = c.get("t");
  if (rows.length === 0) return html`<p class="notice">${t("ops.members.none")}</p>`;
  return scrollBox(
    t("ops.members.title"),
    html`<table class="figures"><caption>${t("ops.members.title")}</caption>
      <thead><tr><th scope="col">${t("ops.members.coop")}</th><th scope="col">${t("ops.members.state")}</th><th scope="col">${t("ops.members.indicators")}</th><th scope="col">${t("ops.status.alert")}</th><th scope="col">${t("ops.status.crisis")}</th></tr></thead>
      <tbody>${rows.map(
        (
          r,
        ) => html`<tr><th scope="row"><a href="${safeUrl(`${opsroomPath(group.name)}/coop?uri=${encodeURIComponent(r.coopUri)}`)}">${r.name}</a></th>
          <td>${statusBadge(c, r.status)}</td><td>${r.indicators}</td><td>${r.alert}</td><td>${r.crisis}</td></tr>`,
      )}</tbody></table>`,
  );
}

export function escalationsTable(c: C, rows: readonly Escalation[]): Html {
  const t = c.get("t");
  if (rows.length === 0) return html`<p class="notice">${t("ops.escalations.none")}</p>`;
  return scrollBox(
    t("ops.escalations.title"),
    html`<table class="figures"><caption>${t("ops.escalations.title")}</caption>
      <thead><tr><th scope="col">${t("ops.indicator")}</th><th scope="col">${t("ops.members.coop")}</th><th scope="col">${t("ops.alarm.kind")}</th><th scope="col">${t("ops.alarm.state")}</th><th scope="col">${t("ops.alarm.level")}</th><th scope="col">${t("ops.escalations.onward")}</th></tr></thead>
      <tbody>${rows.map(
        (
          e,
        ) => html`<tr><th scope="row"><a href="${safeUrl(`/opsroom/escalations/${e.id}`)}">${e.indicator_name}</a> <span class="muted">${e.period}</span></th>
          <td>${e.coop_uri}</td><td>${t(`ops.kind.${e.kind}` as "ops.kind.step")}</td><td>${stateText(c, e.state)}</td><td>${e.level}</td>
          <td>${e.escalated_at && e.escalated_to !== "[]" ? t("ops.escalations.forwarded") : "—"}</td></tr>`,
      )}</tbody></table>`,
  );
}

export interface IndicatorPageData {
  group: Group;
  indicator: Indicator;
  points: ChartPoint[];
  alarms: Alarm[];
  falseRate: number | null;
  late: boolean;
  canReport: boolean;
  errors: FieldErrors;
  values: Record<string, string>;
  message?: string;
}

export function indicatorBody(c: C, d: IndicatorPageData): Html {
  const t = c.get("t");
  const i = d.indicator;
  const beer = beerMeasures(i.last_value, i.capability, i.potentiality);
  const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 1000) / 10}%`);
  const label = t("ops.chart.label", { name: i.name, n: d.points.length });
  return html`<p><a href="${safeUrl(opsroomPath(d.group.name))}">← ${t("ops.board.of", { group: d.group.display_name || d.group.name })}</a></p>
  <h1>${i.name} ${statusBadge(c, i.status)} ${d.late ? html`<span class="ops-status late">${t("ops.late")}</span>` : ""}</h1>
  <p class="muted">${t(`ops.frequency.${i.frequency}` as "ops.frequency.daily")} · ${t(`ops.direction.${i.direction}` as "ops.direction.up")}${i.unit ? ` · ${i.unit}` : ""} · ${i.share_values ? t("ops.shared.yes") : t("ops.shared.no")}</p>
  ${notice(d.message)}${errorSummary(c, d.errors)}
  ${indicatorChart({ label, points: d.points, alarms: d.alarms, capability: i.capability, potentiality: i.potentiality })}
  <ul class="ops-legend" aria-label="${t("ops.legend")}">
    <li>▲ ${t("ops.state.open")}</li><li>△ ${t("ops.state.acknowledged")} (${t("ops.legend.striped")})</li><li>○ ${t("ops.state.resolved")}</li><li>✕ ${t("ops.state.false_alarm")}</li><li>▨ ${t("ops.legend.band")}</li>
  </ul>
  <h2>${t("ops.beer.title")}</h2>
  <dl class="ops-beer">
    <dt>${t("ops.beer.actuality")}</dt><dd>${formatNumber(i.last_value)}</dd>
    <dt>${t("ops.beer.capability")}</dt><dd>${formatNumber(i.capability)}</dd>
    <dt>${t("ops.beer.potentiality")}</dt><dd>${formatNumber(i.potentiality)}</dd>
    <dt>${t("ops.beer.productivity")}</dt><dd>${pct(beer.productivity)}</dd>
    <dt>${t("ops.beer.latency")}</dt><dd>${pct(beer.latency)}</dd>
    <dt>${t("ops.beer.performance")}</dt><dd>${pct(beer.performance)}</dd>
  </dl>
  ${d.canReport ? reportForms(c, d) : ""}
  <h2>${t("ops.alarms.title")}</h2>
  <p>${d.falseRate === null ? t("ops.falseRate.none") : t("ops.falseRate", { rate: pct(d.falseRate) })}</p>
  ${
    d.alarms.length === 0
      ? html`<p class="notice">${t("ops.alarms.none")}</p>`
      : html`<ul>${d.alarms.map(
          (a) =>
            html`<li><a href="${safeUrl(`/opsroom/alarms/${a.id}`)}">${a.period}: ${t(`ops.kind.${a.kind}` as "ops.kind.step")}</a> · ${stateText(c, a.state)} · p = ${formatNumber(a.probability)}${a.level > 0 ? html` · ${t("ops.alarm.escalated")}` : ""}</li>`,
        )}</ul>`
  }
  <h2>${t("ops.table.title")}</h2>
  ${scrollBox(
    t("ops.table.title"),
    html`<table class="figures"><caption>${label}</caption>
      <thead><tr><th scope="col">${t("ops.table.period")}</th><th scope="col">${t("ops.table.value")}</th><th scope="col">${t("ops.table.band")}</th><th scope="col">${t("ops.alarm.state")}</th></tr></thead>
      <tbody>${[...d.points].reverse().map((p) => {
        const alarm = d.alarms.find((a) => a.period === p.period);
        return html`<tr><th scope="row">${p.period}</th><td>${formatNumber(p.value)}</td><td>${p.lower === null ? "—" : `${formatNumber(p.lower)} – ${formatNumber(p.upper)}`}</td><td>${alarm ? `${t(`ops.kind.${alarm.kind}` as "ops.kind.step")}: ${stateText(c, alarm.state)}` : ""}</td></tr>`;
      })}</tbody></table>`,
  )}`;
}

function reportForms(c: C, d: IndicatorPageData): Html {
  const t = c.get("t");
  const base = `/opsroom/indicators/${d.indicator.id}`;
  return html`<h2>${t("ops.report.title")}</h2>
  <form method="post" action="${safeUrl(`${base}/values`)}" class="ops-actions">${csrfField(c)}
    ${field({ name: "period", label: t("ops.report.period"), value: d.values.period ?? "", error: d.errors.period, hint: t("ops.report.periodHint"), required: true })}
    ${field({ name: "value", label: t("ops.report.value"), value: d.values.value ?? "", error: d.errors.value, required: true })}
    <button type="submit">${t("ops.report.submit")}</button>
  </form>
  <form method="post" action="${safeUrl(`${base}/csv`)}" enctype="multipart/form-data">${csrfField(c)}
    ${field({ name: "file", label: t("ops.csv.file"), type: "file", accept: ".csv,text/csv", error: d.errors.file, hint: t("ops.csv.hint") })}
    <button type="submit" class="secondary">${t("ops.csv.submit")}</button>
  </form>`;
}

export function alarmBody(
  c: C,
  d: {
    title: string;
    back: { href: string; label: string };
    facts: [string, string][];
    state: string;
    notes: AlarmNote[];
    action: string | null;
    errors: FieldErrors;
  },
): Html {
  const t = c.get("t");
  const waiting = d.state === "open" || d.state === "acknowledged";
  const button = (action: string, label: string, cls = "") =>
    html`<button type="submit" name="action" value="${action}"${cls ? html` class="${cls}"` : ""}>${label}</button>`;
  return html`<p><a href="${safeUrl(d.back.href)}">← ${d.back.label}</a></p>
  <h1>${d.title}</h1>
  <p>${t("ops.alarm.state")}: <strong class="ops-status ${waiting ? "alert" : "normal"}">${stateText(c, d.state)}</strong></p>
  ${errorSummary(c, d.errors)}
  <dl>${d.facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
  ${
    d.action
      ? html`<form method="post" action="${safeUrl(d.action)}">${csrfField(c)}
      ${field({ name: "body", label: t("ops.alarm.note"), type: "textarea", maxlength: 2000, error: d.errors.body })}
      <div class="ops-actions">
        ${d.state === "open" ? button("acknowledge", t("ops.act.acknowledge")) : ""}
        ${waiting ? button("resolve", t("ops.act.resolve"), "secondary") : ""}
        ${waiting ? button("false_alarm", t("ops.act.false_alarm"), "secondary") : ""}
        ${button("comment", t("ops.act.comment"), "secondary")}
      </div></form>`
      : ""
  }
  <h2>${t("ops.alarm.story")}</h2>
  ${
    d.notes.length === 0
      ? html`<p class="muted">${t("ops.alarm.noNotes")}</p>`
      : html`<ol>${d.notes.map(
          (n) =>
            html`<li><strong>${t(`ops.note.${n.kind}` as "ops.note.comment")}</strong> · ${n.author_uri} · ${timeTag(c.get("locale"), n.created_at)}${n.body ? html`<p>${n.body}</p>` : ""}</li>`,
        )}</ol>`
  }`;
}

export function defineForm(
  c: C,
  group: Group,
  values: Record<string, string>,
  errors: FieldErrors,
): Html {
  const t = c.get("t");
  const select = (name: string, options: string[], key: (o: string) => string) =>
    html`<div class="field"><label for="f-${name}">${t(`ops.define.${name}` as "ops.define.frequency")}</label>
      <select id="f-${name}" name="${name}">${options.map((o) => html`<option value="${o}"${values[name] === o ? html` selected` : ""}>${key(o)}</option>`)}</select></div>`;
  return html`<h2>${t("ops.define.title")}</h2>
  ${errorSummary(c, errors)}
  <form method="post" action="${safeUrl(`${opsroomPath(group.name)}/indicators`)}">${csrfField(c)}
    ${field({ name: "name", label: t("ops.define.name"), value: values.name ?? "", error: errors.name, required: true, maxlength: 80 })}
    ${field({ name: "unit", label: t("ops.define.unit"), value: values.unit ?? "", error: errors.unit, maxlength: 20 })}
    ${select("frequency", ["daily", "weekly", "monthly"], (o) => t(`ops.frequency.${o}` as "ops.frequency.daily"))}
    ${select("direction", ["up", "down"], (o) => t(`ops.direction.${o}` as "ops.direction.up"))}
    ${select("computed", ["", "stock", "deliveries", "balance"], (o) => t(`ops.computed.${o || "none"}` as "ops.computed.none"))}
    ${field({ name: "computedRef", label: t("ops.define.computedRef"), value: values.computedRef ?? "", error: errors.computedRef, maxlength: 2048, hint: t("ops.define.computedRefHint") })}
    ${field({ name: "capability", label: t("ops.beer.capability"), value: values.capability ?? "", error: errors.capability, hint: t("ops.define.capabilityHint") })}
    ${field({ name: "potentiality", label: t("ops.beer.potentiality"), value: values.potentiality ?? "", error: errors.potentiality, hint: t("ops.define.potentialityHint") })}
    ${field({ name: "threshold", label: t("ops.define.threshold"), value: values.threshold ?? "0.5", error: errors.threshold, hint: t("ops.define.thresholdHint") })}
    ${field({ name: "warmup", label: t("ops.define.warmup"), value: values.warmup ?? "20", error: errors.warmup, hint: t("ops.define.warmupHint") })}
    <div class="field"><label><input type="checkbox" name="shareValues" value="yes"${values.shareValues === "yes" ? html` checked` : ""} /> ${t("ops.define.share")}</label></div>
    <button type="submit">${t("ops.define.submit")}</button>
  </form>`;
}

export function settingsForm(
  c: C,
  group: Group,
  settings: GroupSettings,
  federations: string[],
  errors: FieldErrors,
): Html {
  const t = c.get("t");
  return html`<h1>${t("ops.settings.title")}</h1>
  ${errorSummary(c, errors)}
  <form method="post" action="${safeUrl(`${opsroomPath(group.name)}/settings`)}">${csrfField(c)}
    ${field({ name: "ackHours", label: t("ops.settings.ackHours"), type: "number", value: String(settings.ack_hours), error: errors.ackHours, required: true })}
    ${field({ name: "resolveHours", label: t("ops.settings.resolveHours"), type: "number", value: String(settings.resolve_hours), error: errors.resolveHours, required: true })}
    <div class="field"><label for="f-parentUri">${t("ops.settings.parent")}</label>
      <select id="f-parentUri" name="parentUri"><option value="">${t(group.kind === "federation" ? "ops.settings.top" : "ops.settings.allFederations")}</option>
      ${federations.map((u) => html`<option value="${u}"${settings.parent_uri === u ? html` selected` : ""}>${u}</option>`)}</select>
      ${errors.parentUri ? html`<p class="field-error">${errors.parentUri}</p>` : ""}</div>
    <button type="submit">${t("ops.settings.submit")}</button>
  </form>`;
}
