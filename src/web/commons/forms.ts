/**
 * The commons forms without a database: a declaration's fields, a query, and a
 * contributed row, each parsed to `{ ok, errors, values }` so a page re-renders
 * with 422 and the person's input kept.
 */
import { parseNewDataset } from "../../commons/datasets.ts";
import { canonicalQuery, type FieldSpec, fieldsFromText } from "../../commons/fields.ts";
import type { FieldErrors } from "../forms.ts";
import type { Translate } from "../i18n/i18n.ts";

export interface Parsed<T> {
  ok: boolean;
  errors: FieldErrors;
  value?: T;
}

const num = (s: string | undefined) => (s === undefined || s.trim() === "" ? undefined : Number(s));

export function parseDeclareForm(t: Translate, form: Record<string, string>) {
  const errors: FieldErrors = {};
  const fields = fieldsFromText(form.fields ?? "");
  if (!fields.ok) errors.fields = fields.reason;
  const declared = parseNewDataset({
    groupId: form.groupId ?? "",
    title: form.title ?? "",
    purpose: form.purpose ?? "",
    unit: form.unit,
    period: form.period,
    budgetRho: num(form.budgetRho),
    defaultRho: num(form.defaultRho),
    maxRowsPerUnit: num(form.maxRowsPerUnit) ?? 1,
    maxRowsPerMember: num(form.maxRowsPerMember) ?? 100,
    fields: fields.ok ? fields.value : [],
  });
  if (!declared.ok && !errors.fields) {
    const name = declared.reason.split(/[.:]/)[0] ?? "title";
    errors[name] = t("commons.declare.invalid", { reason: declared.reason });
  }
  return {
    ok: Object.keys(errors).length === 0,
    errors,
    value: declared.ok ? declared.value : undefined,
  };
}

/** The query form: mechanism, field, group-by, quantile level, ρ, noise. */
export function queryFromForm(form: Record<string, string>) {
  const out: Record<string, unknown> = { mechanism: form.mechanism ?? "" };
  if (form.field) out.field = form.field;
  if (form.by) out.by = form.by;
  if (form.quantile) out.quantile = Number(form.quantile);
  if (form.rho) out.rho = Number(form.rho);
  if (form.noise) out.noise = form.noise;
  return out;
}

export function checkQuery(
  fields: readonly FieldSpec[],
  dataset: { default_rho: number; max_rows_per_unit: number },
  form: Record<string, string>,
) {
  return canonicalQuery(fields, dataset, queryFromForm(form));
}
