/**
 * The form that opens a process (/budgets/new?group=NAME): a group moderator
 * names it, sets the money (one budget per line, "name: amount"), the
 * categories, the ballot, the rule and the dates. The parser returns field
 * errors in the page's language; the capability checks everything again.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { NewProcess } from "../../governance/budgeting/processes/processes.ts";
import { MAX_CATEGORIES, MAX_DISTRICTS } from "../../governance/budgeting/processes/processes.ts";
import type { WebEnv } from "../context.ts";
import { parseUtc } from "../decisions/start-form.ts";
import { csrfField, type FieldErrors, field } from "../forms.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { parseMoney } from "./render.ts";

export type ProcessValues = Record<string, string>;

const intOrNull = (raw: string | undefined): number | null | "bad" => {
  const text = (raw ?? "").trim();
  if (!text) return null;
  return /^\d{1,6}$/.test(text) ? Number(text) : "bad";
};

/** The form's values as the capability's input, or the fields in error. */
export function parseProcessForm(
  c: Context<WebEnv>,
  v: ProcessValues,
  now: Date,
): { ok: true; value: NewProcess } | { ok: false; errors: FieldErrors } {
  const t = c.get("t");
  const errors: FieldErrors = {};
  const title = (v.title ?? "").trim();
  if (!title || title.length > 200) errors.title = t("budgets.error.title");
  const districts: { name: string; budget: number }[] = [];
  const lines = (v.districts ?? "").split(/\r?\n/).filter((l) => l.trim());
  for (const line of lines.slice(0, MAX_DISTRICTS + 1)) {
    const at = line.lastIndexOf(":");
    const name = line.slice(0, at).trim();
    const budget = at > 0 ? parseMoney(line.slice(at + 1)) : null;
    if (!name || name.length > 100 || !budget) errors.districts = t("budgets.error.districts");
    else districts.push({ name, budget });
  }
  if (
    districts.length === 0 ||
    lines.length > MAX_DISTRICTS ||
    new Set(districts.map((d) => d.name)).size !== districts.length
  )
    errors.districts = t("budgets.error.districts");
  const categories = (v.categories ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (
    categories.length > MAX_CATEGORIES ||
    new Set(categories).size !== categories.length ||
    categories.some((x) => x.length > 100)
  )
    errors.categories = t("budgets.error.categories");
  const ballotKind = v.ballotKind === "cumulative" ? "cumulative" : "approval";
  const points = intOrNull(v.points);
  const min = intOrNull(v.minProjects);
  const max = intOrNull(v.maxProjects);
  if (points === "bad" || (ballotKind === "cumulative") !== (points !== null && points > 0))
    errors.points = t("budgets.error.points");
  if (min === "bad" || max === "bad" || (min !== null && max !== null && min > max) || max === 0)
    errors.minProjects = t("budgets.error.minProjects");
  const dates: Record<string, string | null> = {};
  let last = now.toISOString();
  for (const key of ["proposingEndsAt", "reviewEndsAt", "votingEndsAt"]) {
    const raw = (v[key] ?? "").trim();
    const at = raw ? parseUtc(raw) : null;
    if (raw && (!at || at <= last)) errors[key] = t("budgets.error.dates");
    if (at) last = at;
    dates[key] = at;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const currency = (v.currency ?? "").trim() || "EUR";
  return {
    ok: true,
    value: {
      title,
      description: (v.description ?? "").trim(),
      currency,
      rule: v.rule === "greedy" || v.rule === "mes" ? v.rule : "mes-add1",
      ballotKind,
      secrecy: v.secrecy === "secret" ? "secret" : "named",
      minProjects: ballotKind === "approval" && typeof min === "number" ? min : null,
      maxProjects: ballotKind === "approval" && typeof max === "number" ? max : null,
      spendingCap: v.spendingCap === "1",
      points: ballotKind === "cumulative" && typeof points === "number" ? points : null,
      proposingEndsAt: dates.proposingEndsAt ?? null,
      reviewEndsAt: dates.reviewEndsAt ?? null,
      votingEndsAt: dates.votingEndsAt ?? null,
      districts,
      categories,
    },
  };
}

const select = (
  name: string,
  label: string,
  value: string | undefined,
  options: [string, string][],
): Html => html`<div class="field">
  <label for="f-${name}">${label}</label>
  <select id="f-${name}" name="${name}">${options.map(
    ([v, text]) => html`<option value="${v}"${v === value ? html` selected` : ""}>${text}</option>`,
  )}</select>
</div>`;

const dateField = (c: Context<WebEnv>, name: string, v: ProcessValues, e: FieldErrors): Html =>
  html`<div class="field">
    <label for="f-${name}">${c.get("t")(`budgets.form.${name}` as "budgets.form.votingEndsAt")}</label>
    <input type="datetime-local" id="f-${name}" name="${name}" value="${v[name] ?? ""}"${
      e[name] ? html` aria-invalid="true" aria-describedby="f-${name}-error"` : ""
    } />
    ${e[name] ? html`<p class="field-error" id="f-${name}-error">${e[name]}</p>` : ""}
  </div>`;

export function processForm(
  c: Context<WebEnv>,
  action: string,
  v: ProcessValues,
  e: FieldErrors,
): Html {
  const t = c.get("t");
  return html`<form method="post" action="${safeUrl(action)}" class="stack">
    ${csrfField(c)}
    ${field({ name: "title", label: t("budgets.form.title"), value: v.title ?? "", error: e.title, required: true, maxlength: 200 })}
    ${field({ name: "description", label: t("budgets.form.description"), type: "textarea", value: v.description ?? "", maxlength: 10000 })}
    ${field({ name: "districts", label: t("budgets.form.districts"), type: "textarea", value: v.districts ?? "", error: e.districts, hint: t("budgets.form.districts.hint"), required: true })}
    ${field({ name: "currency", label: t("budgets.form.currency"), value: v.currency ?? "EUR", hint: t("budgets.form.currency.hint"), maxlength: 12 })}
    ${field({ name: "categories", label: t("budgets.form.categories"), type: "textarea", value: v.categories ?? "", error: e.categories })}
    ${select("rule", t("budgets.form.rule"), v.rule, [
      ["mes-add1", t("budgets.form.rule.mes-add1")],
      ["mes", t("budgets.form.rule.mes")],
      ["greedy", t("budgets.form.rule.greedy")],
    ])}
    ${select("ballotKind", t("budgets.form.ballotKind"), v.ballotKind, [
      ["approval", t("budgets.form.ballotKind.approval")],
      ["cumulative", t("budgets.form.ballotKind.cumulative")],
    ])}
    ${field({ name: "points", label: t("budgets.form.points"), type: "number", value: v.points ?? "", error: e.points })}
    ${field({ name: "minProjects", label: t("budgets.form.minProjects"), type: "number", value: v.minProjects ?? "", error: e.minProjects })}
    ${field({ name: "maxProjects", label: t("budgets.form.maxProjects"), type: "number", value: v.maxProjects ?? "" })}
    <div class="field"><label><input type="checkbox" name="spendingCap" value="1"${v.spendingCap === "1" ? html` checked` : ""} /> ${t("budgets.form.spendingCap")}</label></div>
    ${select("secrecy", t("budgets.form.secrecy"), v.secrecy, [
      ["named", t("budgets.form.secrecy.named")],
      ["secret", t("budgets.form.secrecy.secret")],
    ])}
    <fieldset><legend>${t("budgets.form.dates")}</legend>
      ${dateField(c, "proposingEndsAt", v, e)}
      ${dateField(c, "reviewEndsAt", v, e)}
      ${dateField(c, "votingEndsAt", v, e)}
    </fieldset>
    <button type="submit">${t("budgets.form.create")}</button>
  </form>`;
}
