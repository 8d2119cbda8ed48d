/**
 * The form that starts (or amends) a decision in a group, and its parser. The
 * parser returns `{ ok, errors, values }` (STYLE.md §3.7): every field it refuses
 * is named, and the page re-renders with 422 and writes nothing. Times are read
 * as UTC (the labels say so) from `datetime-local` inputs, so the form works with
 * no script and no time-zone guessing.
 */
import { html } from "hono/html";
import type {
  BallotKind,
  DecisionWeighting,
  ResultsVisibility,
} from "../../db/schema/decisions.ts";
import { RULES, type Rule, type RuleSettings } from "../../governance/decisions/types.ts";
import { type FieldErrors, field } from "../forms.ts";
import type { Translate } from "../i18n/i18n.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";

export const RESULTS = [
  "always",
  "after-vote",
  "after-close",
] as const satisfies readonly ResultsVisibility[];
export const BALLOTS = ["named", "anonymous", "secret"] as const satisfies readonly BallotKind[];
export const WEIGHTINGS = ["per-coop", "members"] as const satisfies readonly DecisionWeighting[];

export const MAX_QUESTION = 300;
export const MAX_EXPLANATION = 10_000;
export const MAX_FORM_OPTIONS = 20;
export const MAX_OPTION_LABEL = 200;
export const MAX_OPTION_EXPLANATION = 1000;
export const MAX_REMINDER_HOURS = 720;

/** What the form says, ready for the capability. */
export interface DecisionForm {
  question: string;
  explanation: string;
  settings: RuleSettings;
  optionExplanations: string[];
  opensAt: string | null;
  closesAt: string;
  results: ResultsVisibility;
  ballot: BallotKind;
  changeVote: boolean;
  /** Anyone who can see the thread may vote (a Mastodon poll's voters). */
  outsiders: boolean;
  /** A federation voting by delegates: each co-op's vote weighs its active members. */
  weighting: DecisionWeighting;
  reminderHours: number;
}

export type StartValues = Record<string, string>;

/** `2026-12-24T18:00` or `2026-12-24 18:00` (UTC) → ISO string; null if not a time. */
export function parseUtc(raw: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2})?Z?$/.exec(raw.trim());
  if (!m) return null;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00Z`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** An ISO time as the value a `datetime-local` input shows (UTC). */
export const inputTime = (iso: string | null | undefined) => (iso ? iso.slice(0, 16) : "");

function intIn(raw: string | undefined, lo: number, hi: number): number | null {
  if (raw === undefined || raw.trim() === "") return null;
  if (!/^-?\d{1,7}$/.test(raw.trim())) return Number.NaN;
  const n = Number(raw.trim());
  return n >= lo && n <= hi ? n : Number.NaN;
}

/** Parses the start/amend form. `now` is the clock's, so "in the future" is testable. */
export function parseDecisionForm(
  t: Translate,
  form: Record<string, string>,
  now: Date,
  options: { amending?: boolean } = {},
): { ok: true; value: DecisionForm } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const question = (form.question ?? "").trim();
  if (question.length < 1 || question.length > MAX_QUESTION)
    errors.question = t("decisions.error.question");
  const explanation = (form.explanation ?? "").trim();
  if (explanation.length > MAX_EXPLANATION) errors.explanation = t("decisions.error.explanation");
  const rule = form.rule as Rule;
  if (!(RULES as readonly string[]).includes(rule)) errors.rule = t("decisions.error.rule");

  const lines = (form.options ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const parsed = lines.map((l) => {
    const at = l.indexOf("|");
    return at < 0
      ? { label: l, about: "" }
      : { label: l.slice(0, at).trim(), about: l.slice(at + 1).trim() };
  });
  if (rule !== "consent") {
    const labels = parsed.map((p) => p.label);
    if (
      lines.length < 2 ||
      lines.length > MAX_FORM_OPTIONS ||
      labels.some((l) => l.length < 1 || l.length > MAX_OPTION_LABEL) ||
      parsed.some((p) => p.about.length > MAX_OPTION_EXPLANATION) ||
      new Set(labels).size !== labels.length
    )
      errors.options = t("decisions.error.options");
  }

  const opensRaw = (form.opensAt ?? "").trim();
  const opensAt = opensRaw ? parseUtc(opensRaw) : null;
  if (opensRaw && !opensAt) errors.opensAt = t("decisions.error.time");
  const closesAt = parseUtc(form.closesAt ?? "");
  if (!closesAt) errors.closesAt = t("decisions.error.time");
  else if (
    closesAt <= (opensAt ?? now.toISOString()) ||
    (!options.amending && closesAt <= now.toISOString())
  )
    errors.closesAt = t("decisions.error.closesAt");

  const quorum = intIn(form.quorum, 0, 100);
  if (Number.isNaN(quorum)) errors.quorum = t("decisions.error.percent");
  const threshold = intIn(form.threshold, 0, 100);
  if (Number.isNaN(threshold)) errors.threshold = t("decisions.error.percent");
  const reminder = intIn(form.reminderHours, 0, MAX_REMINDER_HOURS);
  if (Number.isNaN(reminder)) errors.reminderHours = t("decisions.error.reminder");

  const settings: RuleSettings = {
    rule,
    options: rule === "consent" ? [] : parsed.map((p) => p.label),
  };
  if (quorum) settings.quorum = quorum / 100;
  if (threshold) settings.threshold = threshold / 100;
  const n = settings.options.length;
  const number = (name: string, lo: number, hi: number) => {
    const v = intIn(form[name], lo, hi);
    if (Number.isNaN(v)) errors[name] = t("decisions.error.number");
    return v ?? undefined;
  };
  if (rule === "consent") settings.blocksToStop = number("blocksToStop", 1, 1000) ?? 1;
  if (rule === "multiple") {
    settings.minChoices = number("minChoices", 0, Math.max(n, 1)) ?? 1;
    settings.maxChoices = number("maxChoices", 1, Math.max(n, 1)) ?? n;
    if (settings.minChoices > settings.maxChoices) errors.maxChoices = t("decisions.error.number");
  }
  if (rule === "score") {
    settings.scoreMin = number("scoreMin", -100, 100) ?? 0;
    settings.scoreMax = number("scoreMax", -100, 100) ?? 5;
    if (settings.scoreMax <= settings.scoreMin || settings.scoreMax - settings.scoreMin > 100)
      errors.scoreMax = t("decisions.error.number");
  }
  if (rule === "dot") settings.dots = number("dots", 1, 1000) ?? 10;

  const results = (RESULTS as readonly string[]).includes(form.results ?? "")
    ? (form.results as ResultsVisibility)
    : "always";
  const ballot = (BALLOTS as readonly string[]).includes(form.ballot ?? "")
    ? (form.ballot as BallotKind)
    : "named";
  // A running tally beside the list of who voted would tell what each voter chose.
  if (ballot === "secret" && results !== "after-close")
    errors.results = t("decisions.error.secretResults");
  // The capability's rule (decisions.ts), said next to the box.
  const outsiders = form.outsiders === "on";
  if (outsiders && ((rule !== "single" && rule !== "multiple") || ballot === "secret" || quorum))
    errors.outsiders = t("decisions.error.outsiders");
  const weighting = form.weighting === "members" ? "members" : "per-coop";
  // A weight that differs by co-op would mark whose a secret ballot is (decisions.ts).
  if (weighting === "members" && ballot === "secret")
    errors.weighting = t("decisions.error.weighting");
  if (Object.keys(errors).length > 0 || !closesAt) return { ok: false, errors };
  return {
    ok: true,
    value: {
      question,
      explanation,
      settings,
      optionExplanations: rule === "consent" ? [] : parsed.map((p) => p.about),
      opensAt,
      closesAt,
      results,
      ballot,
      changeVote: form.changeVote === "on",
      outsiders,
      weighting,
      reminderHours: reminder ?? 0,
    },
  };
}

function radios(
  name: string,
  legend: string,
  choices: { value: string; label: string }[],
  current: string,
  error?: string,
): Html {
  return html`<fieldset${error ? html` aria-invalid="true" aria-describedby="f-${name}-error"` : ""} id="f-${name}"><legend>${legend}</legend>${error ? html`<p class="field-error" id="f-${name}-error">${error}</p>` : ""}${choices.map(
    (ch) =>
      html`<label class="choice"><input type="radio" name="${name}" value="${ch.value}"${ch.value === current ? html` checked` : ""} /> ${ch.label}</label>`,
  )}</fieldset>`;
}

/** The start (or amend) form. In amending, the rule and ballot kind are fixed: votes may exist. */
export function decisionForm(
  t: Translate,
  o: {
    action: string;
    csrf: Html;
    values: StartValues;
    errors: FieldErrors;
    amending?: boolean;
    /** A federation voting by delegates: offer weighing co-ops by their members. */
    weighsCoops?: boolean;
  },
): Html {
  const v = o.values;
  const e = o.errors;
  const num = (name: string, label: string) =>
    field({ name, label, type: "number", value: v[name] ?? "", error: e[name] });
  return html`<form method="post" action="${safeUrl(o.action)}" class="decision-form" novalidate>
    ${o.csrf}
    ${field({ name: "question", label: t("decisions.form.question"), value: v.question ?? "", error: e.question, required: true, maxlength: MAX_QUESTION })}
    ${field({ name: "explanation", label: t("decisions.form.explanation"), type: "textarea", value: v.explanation ?? "", error: e.explanation, hint: t("decisions.form.explanationHint") })}
    ${
      o.amending
        ? html`<input type="hidden" name="rule" value="${v.rule ?? ""}" /><input type="hidden" name="ballot" value="${v.ballot ?? ""}" />`
        : html`<div class="field"><label for="f-rule">${t("decisions.form.rule")}</label>
      <select id="f-rule" name="rule"${e.rule ? html` aria-invalid="true" aria-describedby="f-rule-error"` : ""}>
        ${RULES.map((r) => html`<option value="${r}"${v.rule === r ? html` selected` : ""}>${t(`decisions.rule.${r}`)}</option>`)}
      </select>${e.rule ? html`<p class="field-error" id="f-rule-error">${e.rule}</p>` : ""}</div>`
    }
    ${field({ name: "options", label: t("decisions.form.options"), type: "textarea", value: v.options ?? "", error: e.options, hint: t("decisions.form.optionsHint") })}
    <fieldset><legend>${t("decisions.form.ruleSettings")}</legend>
      <div class="numbers">
        ${num("quorum", t("decisions.form.quorum"))}
        ${num("threshold", t("decisions.form.threshold"))}
        ${num("blocksToStop", t("decisions.form.blocksToStop"))}
      </div>
      <details class="rule-extra"${["minChoices", "maxChoices", "scoreMin", "scoreMax", "dots"].some((k) => e[k] || v[k]) ? html` open` : ""}>
        <summary>${t("decisions.form.moreSettings")}</summary>
        <div class="numbers">
          ${num("minChoices", t("decisions.form.minChoices"))}
          ${num("maxChoices", t("decisions.form.maxChoices"))}
          ${num("scoreMin", t("decisions.form.scoreMin"))}
          ${num("scoreMax", t("decisions.form.scoreMax"))}
          ${num("dots", t("decisions.form.dots"))}
        </div>
      </details>
    </fieldset>
    <div class="field"><label for="f-opensAt">${t("decisions.form.opensAt")}</label>
      <input type="datetime-local" id="f-opensAt" name="opensAt" value="${v.opensAt ?? ""}"${e.opensAt ? html` aria-invalid="true" aria-describedby="f-opensAt-error"` : ""} />
      ${e.opensAt ? html`<p class="field-error" id="f-opensAt-error">${e.opensAt}</p>` : ""}</div>
    <div class="field"><label for="f-closesAt">${t("decisions.form.closesAt")}</label>
      <input type="datetime-local" id="f-closesAt" name="closesAt" required value="${v.closesAt ?? ""}"${e.closesAt ? html` aria-invalid="true" aria-describedby="f-closesAt-error"` : ""} />
      ${e.closesAt ? html`<p class="field-error" id="f-closesAt-error">${e.closesAt}</p>` : ""}</div>
    ${radios(
      "results",
      t("decisions.form.results"),
      RESULTS.map((r) => ({ value: r, label: t(`decisions.results.${r}`) })),
      v.results ?? "always",
      e.results,
    )}
    ${
      o.amending
        ? ""
        : radios(
            "ballot",
            t("decisions.form.ballot"),
            BALLOTS.map((b) => ({ value: b, label: t(`decisions.ballot.${b}`) })),
            v.ballot ?? "named",
          )
    }
    ${
      o.weighsCoops && !o.amending
        ? radios(
            "weighting",
            t("decisions.form.weighting"),
            WEIGHTINGS.map((w) => ({ value: w, label: t(`decisions.weighting.${w}`) })),
            v.weighting ?? "per-coop",
            e.weighting,
          )
        : ""
    }
    <div class="field"><label class="choice"><input type="checkbox" name="changeVote" value="on"${v.changeVote === "on" || !("question" in v) ? html` checked` : ""} /> ${t("decisions.form.changeVote")}</label></div>
    <div class="field"><label class="choice"><input type="checkbox" id="f-outsiders" name="outsiders" value="on"${v.outsiders === "on" ? html` checked` : ""}${e.outsiders ? html` aria-invalid="true" aria-describedby="f-outsiders-error"` : ""} /> ${t("decisions.form.outsiders")}</label>
      <p class="hint">${t("decisions.form.outsidersHint")}</p>
      ${e.outsiders ? html`<p class="field-error" id="f-outsiders-error">${e.outsiders}</p>` : ""}</div>
    ${field({ name: "reminderHours", label: t("decisions.form.reminder"), type: "number", value: v.reminderHours ?? "24", error: e.reminderHours })}
    <button type="submit">${t(o.amending ? "decisions.form.amendSubmit" : "decisions.form.submit")}</button>
  </form>`;
}

/** The proposal the capability takes (governance/decisions/decisions.ts `newDecisionSchema`). */
export function proposalOf(d: DecisionForm) {
  const { rule, options: _labels, ...rest } = d.settings;
  return {
    title: d.question,
    body: d.explanation,
    rule,
    options: d.settings.options.map((label, i) => ({
      label,
      explanation: d.optionExplanations[i] ?? "",
    })),
    ...rest,
    // Consent has no options to choose among; saying so keeps the settings' check
    // "fewest choices <= most choices" true with zero options.
    ...(rule === "consent" ? { minChoices: 0 } : {}),
    ...(d.opensAt ? { opensAt: d.opensAt } : {}),
    closesAt: d.closesAt,
    resultsVisibility: d.results,
    voteChanges: d.changeVote,
    ballot: d.ballot,
    outsiders: d.outsiders,
    weighting: d.weighting,
    reminderLeadSeconds: d.reminderHours > 0 ? d.reminderHours * 3600 : null,
  };
}
