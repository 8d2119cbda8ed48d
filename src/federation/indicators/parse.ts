/**
 * Our opsroom documents from another node → plain input, bounded: every
 * string capped, numbers finite, URLs http(s), no unknown alarm kinds or
 * states. A document whose `id` is not the URI it was fetched from is refused.
 */
import { z } from "zod";
import { isPeriod } from "../../economy/opsroom/beer.ts";
import type { AlarmReport, IndicatorReport } from "../../economy/opsroom/received.ts";

const url = z
  .string()
  .max(2000)
  .refine((u) => /^https?:\/\//.test(u) && URL.canParse(u), "not an http(s) URL");
const period = z.string().max(10).refine(isPeriod, "not a YYYY-MM-DD day");
const num = z.number().finite().min(-1e15).max(1e15);
const text = (max: number) => z.string().max(max);

const indicatorSchema = z.object({
  id: url,
  type: z.literal("Indicator"),
  attributedTo: url,
  name: text(80).min(1),
  unit: text(20).default(""),
  frequency: z.enum(["daily", "weekly", "monthly"]),
  status: z.enum(["normal", "alert", "crisis"]),
  lastPeriod: period.optional(),
  lastValue: num.optional(),
});

const alarmSchema = z.object({
  id: url,
  type: z.literal("IndicatorAlarm"),
  attributedTo: url,
  indicator: url,
  name: text(80).min(1),
  unit: text(20).default(""),
  period,
  alarmKind: z.enum(["step", "slope", "transient", "drift"]),
  probability: z.number().min(0).max(1),
  value: num.optional(),
  forecast: num.optional(),
  lower: num.optional(),
  upper: num.optional(),
  published: z.string().datetime({ offset: true }),
  level: z.number().int().min(1).max(100),
  alarmState: z.enum(["open", "acknowledged", "resolved", "false_alarm"]),
});

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const problem = (e: z.ZodError) =>
  e.issues.map((i) => `${i.path.join(".") || "(document)"}: ${i.message}`).join("; ");

export function parseIndicatorDocument(doc: unknown, fetchedFrom: string): Parsed<IndicatorReport> {
  const r = indicatorSchema.safeParse(doc);
  if (!r.success) return { ok: false, reason: problem(r.error) };
  if (r.data.id !== fetchedFrom)
    return { ok: false, reason: "id is not where it was fetched from" };
  const d = r.data;
  return {
    ok: true,
    value: {
      indicatorUri: d.id,
      coopUri: d.attributedTo,
      name: d.name,
      unit: d.unit,
      frequency: d.frequency,
      status: d.status,
      lastPeriod: d.lastPeriod ?? null,
      lastValue: d.lastValue ?? null,
    },
  };
}

export function parseAlarmDocument(doc: unknown, fetchedFrom: string): Parsed<AlarmReport> {
  const r = alarmSchema.safeParse(doc);
  if (!r.success) return { ok: false, reason: problem(r.error) };
  if (r.data.id !== fetchedFrom)
    return { ok: false, reason: "id is not where it was fetched from" };
  const d = r.data;
  return {
    ok: true,
    value: {
      alarmUri: d.id,
      coopUri: d.attributedTo,
      indicatorUri: d.indicator,
      indicatorName: d.name,
      unit: d.unit,
      period: d.period,
      kind: d.alarmKind,
      probability: d.probability,
      value: d.value ?? null,
      forecast: d.forecast ?? null,
      lower: d.lower ?? null,
      upper: d.upper ?? null,
      raisedAt: new Date(d.published).toISOString(),
      level: d.level,
      state: d.alarmState,
    },
  };
}
