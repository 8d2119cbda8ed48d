/**
 * Opsroom rows → our JSON-LD documents (vocab.ts): an indicator's state and an
 * alarm (this co-op's, or one a federation here forwards). Raw values only
 * where the report carries them (the co-op shares them).
 */
import type { AlarmReport, IndicatorReport } from "../../economy/opsroom/received.ts";
import { DOCUMENT_CONTEXT } from "./vocab.ts";

export function indicatorDocument(r: IndicatorReport, updated: string) {
  return {
    "@context": DOCUMENT_CONTEXT,
    id: r.indicatorUri,
    type: "Indicator",
    attributedTo: r.coopUri,
    name: r.name,
    unit: r.unit,
    frequency: r.frequency,
    status: r.status,
    ...(r.lastPeriod ? { lastPeriod: r.lastPeriod } : {}),
    ...(r.lastValue !== null ? { lastValue: r.lastValue } : {}),
    updated,
  };
}

export function alarmDocument(r: AlarmReport) {
  const maybe = (k: string, v: number | null) => (v === null ? {} : { [k]: v });
  return {
    "@context": DOCUMENT_CONTEXT,
    id: r.alarmUri,
    type: "IndicatorAlarm",
    attributedTo: r.coopUri,
    indicator: r.indicatorUri,
    name: r.indicatorName,
    unit: r.unit,
    period: r.period,
    alarmKind: r.kind,
    probability: r.probability,
    ...maybe("value", r.value),
    ...maybe("forecast", r.forecast),
    ...maybe("lower", r.lower),
    ...maybe("upper", r.upper),
    published: r.raisedAt,
    level: r.level,
    alarmState: r.state,
  };
}
