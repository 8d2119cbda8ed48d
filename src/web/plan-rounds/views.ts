/**
 * Pieces of the plan-round pages, phone-first: each commitment is a card that
 * says in words who sends what to whom and why (its shadow prices), the
 * co-op's part carries the Accept/Reject form, the diagnosis is a list of the
 * needs that cannot be met together. Co-ops are named by their address.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import { formatQuantity } from "../../economy/market/units.ts";
import type { RoundView } from "../../economy/plan-rounds/reads.ts";
import type { PlanCommitment, PlanRound } from "../../economy/plan-rounds/rounds.ts";
import type { ShortMinimum, Weights } from "../../economy/plan-rounds/rules.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, type FieldErrors, field, formatDate } from "../forms.ts";
import { safeUrl } from "../safe-url.ts";

type C = Context<WebEnv>;

/** A co-op's actor URI, shortened to its host ("bakery.example") as people say it. */
export const coopName = (uri: string) => (URL.canParse(uri) ? new URL(uri).host : uri);
const money = (locale: string, v: number) =>
  new Intl.NumberFormat(locale, { maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(v);

export function statusBadge(c: C, r: Pick<PlanRound, "status">) {
  return html`<span class="plan-status ${r.status}">${c.get("t")(`plan.status.${r.status}`)}</span>`;
}

export function weightsText(c: C, weights: Weights): string {
  const list = Object.entries(weights).sort(([a], [b]) => (a < b ? -1 : 1));
  return list.length
    ? list.map(([k, w]) => `${k} = ${w}`).join(", ")
    : c.get("t")("plan.open.noWeights");
}

export function roundSummary(c: C, r: PlanRound) {
  const t = c.get("t");
  return html`<li class="card plan-round">
    <h2><a href="${safeUrl(`/plan-rounds/${r.id}`)}">${r.title}</a></h2>
    <p>${statusBadge(c, r)} · ${r.local ? t("plan.hosted") : t("plan.copy")} · ${coopName(r.group_uri)}</p>
    <p class="muted">${t("plan.deadline", { when: formatDate(c.get("locale"), r.deadline) })}${r.revision > 0 ? ` · ${t("plan.revision", { n: r.revision })}` : ""}</p>
  </li>`;
}

function answerText(c: C, a: string | null) {
  return c.get("t")(
    a === "accepted"
      ? "plan.answer.accepted"
      : a === "rejected"
        ? "plan.answer.rejected"
        : "plan.answer.none",
  );
}

/** One commitment, explained: the flow, its cost per unit and the prices that justify it. */
export function commitmentCard(c: C, k: PlanCommitment, coop: string | null, pick?: boolean) {
  const t = c.get("t");
  const locale = c.get("locale");
  const quantity = formatQuantity(locale, Number(k.quantity), k.unit);
  const headline =
    coop === k.provider_uri
      ? t("plan.sends", { quantity, name: k.name, to: coopName(k.receiver_uri) })
      : coop === k.receiver_uri
        ? t("plan.receives", { quantity, name: k.name, from: coopName(k.provider_uri) })
        : t("plan.flow", {
            quantity,
            name: k.name,
            from: coopName(k.provider_uri),
            to: coopName(k.receiver_uri),
          });
  return html`<li class="card plan-commitment">
    <p><strong>${headline}</strong></p>
    ${
      pick
        ? html`<label class="plan-pick"><input type="checkbox" name="rejected" value="${k.id}" /> ${t("plan.answer.reject")}</label>`
        : ""
    }
    <p>${t("plan.explain", { cost: money(locale, k.unit_cost), name: k.name, price: money(locale, k.destination_price) })}
      ${k.supply_price > 1e-9 ? t("plan.explainSupply", { price: money(locale, k.supply_price) }) : t("plan.explainFree")}</p>
    <p class="muted">${t("plan.revision", { n: k.revision })} · ${t("plan.answers", { provider: answerText(c, k.provider_answer), receiver: answerText(c, k.receiver_answer) })}${
      k.agreement_uri && k.agreement_uri !== "pending"
        ? html` · <a href="${safeUrl(k.agreement_uri)}">${t("plan.agreement")}</a>`
        : ""
    }</p>
  </li>`;
}

/** The co-op's part, with the answer form while it may answer. */
export function partSection(
  c: C,
  view: RoundView,
  coop: string,
  errors: FieldErrors,
  message?: string,
) {
  const t = c.get("t");
  const current = view.part.filter((k) => k.revision === view.round.revision);
  const earlier = view.part.filter((k) => k.revision !== view.round.revision);
  if (view.part.length === 0)
    return html`<h2>${t("plan.part.title")}</h2><p class="muted">${t("plan.part.none")}</p>`;
  const form = view.canAnswer
    ? html`<form method="post" action="${safeUrl(`/plan-rounds/${view.round.id}/answer`)}" class="plan-answer">
        ${csrfField(c)}${errorSummary(c, errors, message)}
        <fieldset><legend>${t("plan.answer.legend")}</legend>
          <ul class="cards plan-list">${current.map((k) => commitmentCard(c, k, coop, true))}</ul>
        </fieldset>
        ${field({ name: "note", label: t("plan.answer.note"), type: "textarea", maxlength: 2000, error: errors.note })}
        <p class="plan-buttons"><button type="submit" name="answer" value="accept">${t("plan.answer.accept")}</button>
          <button type="submit" name="answer" value="reject" class="secondary">${t("plan.answer.rejectSubmit")}</button></p>
      </form>`
    : html`${view.answer ? html`<p class="notice ok" role="status">${t("plan.part.answered", { answer: answerText(c, view.answer.answer) })}</p>` : ""}
      <ul class="cards plan-list">${current.map((k) => commitmentCard(c, k, coop))}</ul>`;
  return html`<h2>${t("plan.part.title")}</h2>${form}
    ${earlier.length ? html`<ul class="cards plan-list">${earlier.map((k) => commitmentCard(c, k, coop))}</ul>` : ""}`;
}

export function diagnosisSection(c: C, diagnosis: ShortMinimum[]) {
  const t = c.get("t");
  if (diagnosis.length === 0) return html``;
  const locale = c.get("locale");
  const amount = (v: number, unit: string) => formatQuantity(locale, Math.round(v * 1000), unit);
  return html`<section class="plan-diagnosis" aria-labelledby="diagnosis">
    <h2 id="diagnosis">${t("plan.diagnosis.title")}</h2>
    <p>${t("plan.diagnosis.lead")}</p>
    <ul>${diagnosis.map(
      (d) =>
        html`<li>${t("plan.diagnosis.row", { name: d.name, coop: coopName(d.coop), minimum: amount(d.minimum, d.unit), delivered: amount(d.delivered, d.unit) })}</li>`,
    )}</ul>
  </section>`;
}

export function planSection(c: C, view: RoundView) {
  const t = c.get("t");
  if (!view.round.local) return html``;
  return html`<h2>${t("plan.plan.title")}</h2>
    ${
      view.plan.length === 0
        ? html`<p class="muted">${t("plan.plan.empty")}</p>`
        : html`<p class="muted">${t("plan.plan.count", { n: view.planSize, shown: view.plan.length })}</p>
          <ul class="cards plan-list">${view.plan.map((k) => commitmentCard(c, k, null))}</ul>`
    }`;
}

export function openForm(
  c: C,
  group: { name: string; display_name: string },
  weights: Weights,
  values: Record<string, string>,
  errors: FieldErrors,
) {
  const t = c.get("t");
  return html`<form method="post" action="${safeUrl(`/groups/${group.name}/plan-rounds`)}" class="card">
    <h2>${t("plan.open.title", { group: group.display_name || group.name })}</h2>
    ${csrfField(c)}${errorSummary(c, errors)}
    ${field({ name: "title", label: t("plan.open.name"), value: values.title, error: errors.title, required: true, maxlength: 200 })}
    <div class="field"><label for="f-deadline">${t("plan.open.deadline")}</label>
      <input type="datetime-local" id="f-deadline" name="deadline" value="${values.deadline ?? ""}" required aria-describedby="f-deadline-hint${errors.deadline ? " f-deadline-error" : ""}"${errors.deadline ? html` aria-invalid="true"` : ""} />
      <p class="hint" id="f-deadline-hint">${t("plan.open.deadlineHint")}</p>
      ${errors.deadline ? html`<p class="field-error" id="f-deadline-error">${errors.deadline}</p>` : ""}</div>
    <p class="muted">${t("plan.open.weights", { weights: weightsText(c, weights) })}</p>
    <button type="submit">${t("plan.open.submit")}</button>
  </form>`;
}

export function weightsForm(
  c: C,
  group: { name: string; display_name: string },
  values: Record<string, string>,
  errors: FieldErrors,
) {
  const t = c.get("t");
  return html`<form method="post" action="${safeUrl(`/groups/${group.name}/plan-rounds/weights`)}" class="card">
    <h2>${t("plan.weights.title", { group: group.display_name || group.name })}</h2>
    <p class="hint">${t("plan.weights.lead")}</p>
    ${csrfField(c)}${errorSummary(c, errors)}
    ${field({ name: "weights", label: t("plan.weights.field"), type: "textarea", value: values.weights, error: errors.weights, maxlength: 4000 })}
    ${field({ name: "days", label: t("plan.weights.days"), type: "number", value: values.days ?? "7", error: errors.days })}
    <button type="submit" class="secondary">${t("plan.weights.submit")}</button>
  </form>`;
}

/** The form where the co-op states its labour hours for a round hosted here. */
export function hoursSection(
  c: C,
  roundId: string,
  stated: number | null,
  errors: FieldErrors,
  message?: string,
) {
  const t = c.get("t");
  const value = errors.hours ? undefined : stated === null ? "" : String(stated);
  return html`<section class="plan-hours" aria-labelledby="plan-hours">
    <h2 id="plan-hours">${t("plan.hours.title")}</h2>
    <p class="muted">${t("plan.hours.lead")}</p>
    ${stated !== null ? html`<p>${t("plan.hours.now", { hours: stated })}</p>` : ""}
    <form method="post" action="${safeUrl(`/plan-rounds/${roundId}/hours`)}" class="plan-hours-form">
      ${csrfField(c)}${errorSummary(c, errors, message)}
      ${field({ name: "hours", label: t("plan.hours.field"), type: "number", value, error: errors.hours, required: true })}
      <p><button type="submit">${t("plan.hours.save")}</button></p>
    </form>
  </section>`;
}
