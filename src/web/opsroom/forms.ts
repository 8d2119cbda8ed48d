/**
 * The opsroom's form parsers: each returns the capability's input or the
 * errors by field (the page re-renders with 422). A CSV upload is read with
 * the detector's own reader (economy/indicators/csv.ts: header `t,value`, t
 * the period), capped in bytes and lines before anything is written.
 */
import type { Context } from "hono";
import { parseSeriesCsv, SeriesFormatError } from "../../economy/indicators/csv.ts";
import type { AlarmAction } from "../../economy/opsroom/alarms.ts";
import type { IndicatorInput } from "../../economy/opsroom/indicators.ts";
import { computedSchema } from "../../economy/opsroom/indicators.ts";
import { MAX_VALUES_PER_REPORT } from "../../economy/opsroom/values.ts";
import type { WebEnv } from "../context.ts";
import { type FieldErrors, refuseUnsafeNames } from "../forms.ts";
import type { Translate } from "../i18n/i18n.ts";

export const MAX_CSV_BYTES = 512 * 1024;

type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const number = (text: string | undefined) => {
  const s = (text ?? "").trim().replace(",", ".");
  return s === "" ? null : Number(s);
};

export function parseDefineForm(
  t: Translate,
  form: Record<string, string>,
): Parsed<IndicatorInput> {
  const errors: FieldErrors = {};
  const name = (form.name ?? "").trim();
  if (name === "" || name.length > 80) errors.name = t("ops.define.nameError");
  if ((form.unit ?? "").trim().length > 20) errors.unit = t("ops.define.unitError");
  const frequency = form.frequency;
  if (frequency !== "daily" && frequency !== "weekly" && frequency !== "monthly")
    errors.frequency = t("ops.problem.invalid");
  const direction = form.direction;
  if (direction !== "up" && direction !== "down") errors.direction = t("ops.problem.invalid");
  const capability = number(form.capability);
  const potentiality = number(form.potentiality);
  for (const [k, v] of [
    ["capability", capability],
    ["potentiality", potentiality],
  ] as const)
    if (v !== null && !(Number.isFinite(v) && v >= 0 && v <= 1e15))
      errors[k] = t("ops.define.levelError");
  const threshold = number(form.threshold) ?? 0.5;
  if (!(threshold >= 0.05 && threshold <= 0.95)) errors.threshold = t("ops.define.thresholdError");
  const warmup = number(form.warmup) ?? 20;
  if (!(Number.isInteger(warmup) && warmup >= 3 && warmup <= 100))
    errors.warmup = t("ops.define.warmupError");
  const source = form.computed ?? "";
  const ref = (form.computedRef ?? "").trim();
  const computed = source ? computedSchema.safeParse({ from: source, ref: ref || null }) : null;
  if (computed && !computed.success) errors.computedRef = t("ops.define.computedError");
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      computed: computed?.success ? computed.data : null,
      name,
      unit: (form.unit ?? "").trim(),
      frequency: frequency as IndicatorInput["frequency"],
      direction: direction as IndicatorInput["direction"],
      capability,
      potentiality,
      shareValues: form.shareValues === "yes",
      threshold,
      warmup,
    },
  };
}

export function parseSettingsForm(
  t: Translate,
  form: Record<string, string>,
): Parsed<{ ackHours: number; resolveHours: number; parentUri: string | null }> {
  const errors: FieldErrors = {};
  const ackHours = number(form.ackHours);
  const resolveHours = number(form.resolveHours);
  if (!(ackHours !== null && Number.isInteger(ackHours) && ackHours >= 1 && ackHours <= 24 * 90))
    errors.ackHours = t("ops.settings.hoursError");
  if (
    !(
      resolveHours !== null &&
      Number.isInteger(resolveHours) &&
      resolveHours >= (ackHours ?? 1) &&
      resolveHours <= 24 * 365
    )
  )
    errors.resolveHours = t("ops.settings.resolveError");
  const parentUri = (form.parentUri ?? "").trim() || null;
  if (parentUri !== null && !/^https?:\/\//.test(parentUri))
    errors.parentUri = t("ops.problem.invalid");
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { ackHours: ackHours as number, resolveHours: resolveHours as number, parentUri },
  };
}

export function parseActionForm(t: Translate, form: Record<string, string>): Parsed<AlarmAction> {
  const body = (form.body ?? "").trim();
  if (body.length > 2000) return { ok: false, errors: { body: t("ops.alarm.noteTooLong") } };
  const action = form.action;
  if (action === "comment" && body === "")
    return { ok: false, errors: { body: t("ops.alarm.noteEmpty") } };
  if (
    action !== "acknowledge" &&
    action !== "resolve" &&
    action !== "false_alarm" &&
    action !== "comment"
  )
    return { ok: false, errors: { body: t("ops.problem.invalid") } };
  return { ok: true, value: { action, body } };
}

/** The uploaded CSV as reports, or the reason (naming the line) it is refused. */
export async function reportFromUpload(
  c: Context<WebEnv>,
): Promise<{ ok: true; rows: { period: string; value: number }[] } | { ok: false; error: string }> {
  const t = c.get("t");
  const body = await c.req.parseBody();
  refuseUnsafeNames(c, body);
  const file = body.file;
  if (!(file instanceof File) || file.size === 0) return { ok: false, error: t("ops.csv.noFile") };
  if (file.size > MAX_CSV_BYTES) return { ok: false, error: t("ops.csv.tooBig") };
  try {
    const series = parseSeriesCsv(await file.text());
    if (series.length > MAX_VALUES_PER_REPORT)
      return { ok: false, error: t("ops.problem.too-many") };
    return { ok: true, rows: series.map((o) => ({ period: String(o.t), value: o.value })) };
  } catch (error) {
    if (error instanceof SeriesFormatError) return { ok: false, error: error.message };
    throw error;
  }
}
