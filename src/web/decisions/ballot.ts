/**
 * The ballot as a plain HTML form, one shape per rule, so a member votes with no
 * script: consent positions as radios with a reason (required for disagree and
 * block), single choice as radios, multiple choice as checkboxes, scores and
 * ranks as selects, dots as number inputs, a time poll as yes / if need be / no
 * per slot. Each group of inputs is a fieldset with a legend; an error sits under
 * what it is about and is tied to it with aria-describedby.
 *
 * `ballotFromForm` reads the form back into the raw choice that the engine's
 * `validateChoice` judges; what a form can get wrong that the engine cannot see
 * (a rank given twice, a missing reason) is named here, per field.
 */
import { html } from "hono/html";
import {
  type BallotChoice,
  CONSENT_POSITIONS,
  type RuleSettings,
  TIME_ANSWERS,
} from "../../governance/decisions/types.ts";
import type { FieldErrors } from "../forms.ts";
import type { Translate } from "../i18n/i18n.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";

export type BallotValues = Record<string, string>;

export interface BallotFormOptions {
  action: string;
  csrf: Html;
  /** Labels' explanations, shown under each option. */
  explanations?: string[];
  /** A change of vote (the button says so). */
  changing?: boolean;
  /** The ballot is secret and a change needs the receipt. */
  askReceipt?: boolean;
  /** Said before voting: "hosted elsewhere" (null when hosted here). */
  hostedOn?: string | null;
}

const errorOf = (errors: FieldErrors, name: string) =>
  errors[name] ? html`<p class="field-error" id="e-${name}">${errors[name]}</p>` : "";
const invalid = (errors: FieldErrors, name: string) =>
  errors[name] ? html` aria-invalid="true" aria-describedby="e-${name}"` : "";
const checked = (yes: boolean) => (yes ? html` checked` : "");
const selected = (yes: boolean) => (yes ? html` selected` : "");

function scoreRange(s: RuleSettings): number[] {
  const lo = s.scoreMin ?? 0;
  const hi = s.scoreMax ?? 5;
  return Array.from({ length: Math.max(0, hi - lo + 1) }, (_, i) => lo + i);
}

function optionLabel(s: RuleSettings, i: number, explanations: string[] | undefined): Html {
  const about = explanations?.[i];
  return html`<span>${s.options[i]}${about ? html`<br /><small class="muted">${about}</small>` : ""}</span>`;
}

function fields(
  t: Translate,
  s: RuleSettings,
  v: BallotValues,
  e: FieldErrors,
  o: BallotFormOptions,
): Html {
  const n = s.options.length;
  // The section's heading says "Your vote"; the legend says what is asked.
  const legend = t(s.rule === "consent" ? "decisions.ballot.position" : `decisions.rule.${s.rule}`);
  switch (s.rule) {
    case "consent":
      return html`<fieldset id="f-position"${invalid(e, "position")}><legend>${legend}</legend>
        ${CONSENT_POSITIONS.map(
          (p) =>
            html`<label class="choice"><input type="radio" name="position" value="${p}"${checked(v.position === p)} required /> ${t(`decisions.position.${p}`)}</label>`,
        )}
        ${errorOf(e, "position")}
      </fieldset>
      <div class="field">
        <label for="f-reason">${t("decisions.ballot.reason")}</label>
        <textarea id="f-reason" name="reason" maxlength="5000" aria-describedby="f-reason-hint${e.reason ? " e-reason" : ""}"${e.reason ? html` aria-invalid="true"` : ""}>${v.reason ?? ""}</textarea>
        <p class="hint" id="f-reason-hint">${t("decisions.ballot.reasonHint")}</p>
        ${errorOf(e, "reason")}
      </div>`;
    case "single":
      return html`<fieldset id="f-choice"${invalid(e, "choice")}><legend>${legend}</legend>
        ${s.options.map(
          (_, i) =>
            html`<label class="choice"><input type="radio" name="option" value="${i}"${checked(v.option === String(i))} required /> ${optionLabel(s, i, o.explanations)}</label>`,
        )}
        ${errorOf(e, "choice")}</fieldset>`;
    case "multiple":
      return html`<fieldset id="f-choice" aria-describedby="f-multiple-hint${e.choice ? " e-choice" : ""}"><legend>${legend}</legend>
        <p class="hint" id="f-multiple-hint">${t("decisions.ballot.chooseBetween", { min: s.minChoices ?? 1, max: s.maxChoices ?? n })}</p>
        ${s.options.map(
          (_, i) =>
            html`<label class="choice"><input type="checkbox" name="opt-${i}" value="on"${checked(v[`opt-${i}`] === "on")} /> ${optionLabel(s, i, o.explanations)}</label>`,
        )}
        ${errorOf(e, "choice")}</fieldset>`;
    case "score":
      return html`<fieldset id="f-choice"${invalid(e, "choice")}><legend>${legend}</legend>
        ${s.options.map(
          (
            _,
            i,
          ) => html`<div class="row"><label for="f-score-${i}">${optionLabel(s, i, o.explanations)}</label>
            <select id="f-score-${i}" name="score-${i}" aria-label="${t("decisions.ballot.scoreOf", { option: s.options[i] ?? "" })}">
              ${scoreRange(s).map((x) => html`<option value="${x}"${selected(v[`score-${i}`] === String(x))}>${x}</option>`)}
            </select></div>`,
        )}
        ${errorOf(e, "choice")}</fieldset>`;
    case "dot":
      return html`<fieldset id="f-choice" aria-describedby="f-dots-hint${e.choice ? " e-choice" : ""}"><legend>${legend}</legend>
        <p class="hint" id="f-dots-hint">${t("decisions.ballot.dotsHint", { dots: s.dots ?? 10 })}</p>
        ${s.options.map(
          (
            _,
            i,
          ) => html`<div class="row"><label for="f-dots-${i}">${optionLabel(s, i, o.explanations)}</label>
            <input type="number" inputmode="numeric" id="f-dots-${i}" name="dots-${i}" min="0" max="${s.dots ?? 10}" value="${v[`dots-${i}`] ?? "0"}" /></div>`,
        )}
        ${errorOf(e, "choice")}</fieldset>`;
    case "irv":
    case "schulze":
      return html`<fieldset id="f-choice" aria-describedby="f-rank-hint${e.choice ? " e-choice" : ""}"><legend>${legend}</legend>
        <p class="hint" id="f-rank-hint">${t("decisions.ballot.rankHint")}</p>
        ${s.options.map(
          (
            _,
            i,
          ) => html`<div class="row"><label for="f-rank-${i}">${optionLabel(s, i, o.explanations)}</label>
            <select id="f-rank-${i}" name="rank-${i}">
              <option value="">${t("decisions.ballot.unranked")}</option>
              ${Array.from({ length: n }, (_, r) => html`<option value="${r + 1}"${selected(v[`rank-${i}`] === String(r + 1))}>${r + 1}</option>`)}
            </select></div>`,
        )}
        ${errorOf(e, "choice")}</fieldset>`;
    case "time":
      return html`${s.options.map(
        (
          _,
          i,
        ) => html`<fieldset class="row time"><legend>${optionLabel(s, i, o.explanations)}</legend>
          <div class="answers">${TIME_ANSWERS.map(
            (a) =>
              html`<label class="choice"><input type="radio" name="answer-${i}" value="${a}"${checked((v[`answer-${i}`] ?? "no") === a)} /> ${t(`decisions.answer.${a}`)}</label>`,
          )}</div></fieldset>`,
      )}${errorOf(e, "choice")}`;
  }
}

/** The ballot form of a decision. */
export function ballotForm(
  t: Translate,
  settings: RuleSettings,
  values: BallotValues,
  errors: FieldErrors,
  o: BallotFormOptions,
): Html {
  return html`<form method="post" action="${safeUrl(o.action)}" class="ballot" novalidate>
    ${o.csrf}
    ${o.hostedOn ? html`<p class="notice">${t("decisions.ballot.elsewhere", { host: o.hostedOn })}</p>` : ""}
    ${fields(t, settings, values, errors, o)}
    ${
      o.askReceipt
        ? html`<div class="field"><label for="f-receipt">${t("decisions.ballot.receiptField")}</label>
        <input type="text" id="f-receipt" name="receipt" autocomplete="off" maxlength="200" value=""${errors.receipt ? html` aria-invalid="true" aria-describedby="e-receipt"` : ""} />
        ${errorOf(errors, "receipt")}</div>`
        : ""
    }
    <button type="submit">${t(o.changing ? "decisions.ballot.change" : "decisions.ballot.submit")}</button>
  </form>`;
}

/** Reads a whole number field; NaN when absent or not one. */
function whole(v: string | undefined): number {
  return v !== undefined && /^-?\d{1,6}$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
}

/**
 * The raw choice a ballot form says (for `validateChoice`), or the fields it got wrong.
 * Only indices below the number of options are read, so a form cannot grow the ballot.
 */
export function ballotFromForm(
  t: Translate,
  s: RuleSettings,
  form: Record<string, string>,
): { ok: true; raw: unknown } | { ok: false; errors: FieldErrors } {
  const n = s.options.length;
  const each = <T>(f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
  switch (s.rule) {
    case "consent": {
      const position = form.position ?? "";
      const reason = (form.reason ?? "").trim();
      if (!(CONSENT_POSITIONS as readonly string[]).includes(position))
        return { ok: false, errors: { position: t("decisions.problem.unknown-position") } };
      if ((position === "disagree" || position === "block") && reason === "")
        return { ok: false, errors: { reason: t("decisions.error.reason") } };
      return { ok: true, raw: reason ? { position, reason } : { position } };
    }
    case "single":
      return { ok: true, raw: { option: whole(form.option) } };
    case "multiple":
      return {
        ok: true,
        raw: { options: each((i) => i).filter((i) => form[`opt-${i}`] === "on") },
      };
    case "score":
      return { ok: true, raw: { scores: each((i) => whole(form[`score-${i}`])) } };
    case "dot":
      return { ok: true, raw: { dots: each((i) => whole(form[`dots-${i}`] || "0")) } };
    case "irv":
    case "schulze": {
      const ranked = each((i) => ({ i, rank: whole(form[`rank-${i}`]) })).filter(
        (r) => !Number.isNaN(r.rank),
      );
      if (new Set(ranked.map((r) => r.rank)).size !== ranked.length)
        return { ok: false, errors: { choice: t("decisions.problem.rank-repeated") } };
      return { ok: true, raw: { ranking: ranked.sort((a, b) => a.rank - b.rank).map((r) => r.i) } };
    }
    case "time":
      return { ok: true, raw: { answers: each((i) => form[`answer-${i}`] ?? "no") } };
  }
}

/** The form values that draw one's earlier (named or anonymous) choice back into the ballot. */
export function valuesOfChoice(choice: BallotChoice | null): BallotValues {
  const v: BallotValues = {};
  if (!choice) return v;
  if ("position" in choice) {
    v.position = choice.position;
    if (choice.reason) v.reason = choice.reason;
  } else if ("option" in choice) v.option = String(choice.option);
  else if ("options" in choice) for (const i of choice.options) v[`opt-${i}`] = "on";
  else if ("scores" in choice)
    for (const [i, x] of choice.scores.entries()) v[`score-${i}`] = String(x);
  else if ("dots" in choice) for (const [i, x] of choice.dots.entries()) v[`dots-${i}`] = String(x);
  else if ("ranking" in choice)
    for (const [rank, i] of choice.ranking.entries()) v[`rank-${i}`] = String(rank + 1);
  else for (const [i, a] of choice.answers.entries()) v[`answer-${i}`] = a;
  return v;
}
