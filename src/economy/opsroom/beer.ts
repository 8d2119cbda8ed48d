/**
 * Pure rules of the opsroom, no database: Beer's three measures from his
 * triple of actuality, capability and potentiality ("Brain of the Firm", 2nd
 * ed., ch. 11: productivity = actuality / capability, latency = capability /
 * potentiality, performance = their product = actuality / potentiality), when a
 * report is late, and an indicator's status from its alarms.
 */
import type {
  AlarmState,
  IndicatorFrequency,
  IndicatorStatus,
} from "../../db/schema/indicators.ts";

export interface BeerMeasures {
  productivity: number | null;
  latency: number | null;
  performance: number | null;
}

const ratio = (a: number | null, b: number | null) =>
  a === null || b === null || !(b > 0) || !Number.isFinite(a) ? null : a / b;

/** The three measures, each null where a part is missing or the divisor not positive. */
export function beerMeasures(
  actuality: number | null,
  capability: number | null,
  potentiality: number | null,
): BeerMeasures {
  return {
    productivity: ratio(actuality, capability),
    latency: ratio(capability, potentiality),
    performance: ratio(actuality, potentiality),
  };
}

const DAY = 24 * 3600 * 1000;

/** Days in a period of the frequency (a month counted as 30: lateness needs no calendar). */
export const periodDays: Record<IndicatorFrequency, number> = { daily: 1, weekly: 7, monthly: 30 };

/**
 * A report is late when two periods have passed since the last one reported
 * (or since the indicator was defined): one period for the value to exist,
 * one to report it.
 */
export function isLate(
  frequency: IndicatorFrequency,
  lastPeriod: string | null,
  createdAt: string,
  now: Date,
): boolean {
  const since = lastPeriod ? Date.parse(`${lastPeriod}T00:00:00.000Z`) : Date.parse(createdAt);
  return now.getTime() - since > 2 * periodDays[frequency] * DAY;
}

/** An alarm still wants attention while open or acknowledged. */
export const isWaiting = (state: AlarmState) => state === "open" || state === "acknowledged";

/** normal without waiting alarms; crisis when one of them has escalated; alert otherwise. */
export function statusOf(waiting: readonly { level: number }[]): IndicatorStatus {
  if (waiting.length === 0) return "normal";
  return waiting.some((a) => a.level > 0) ? "crisis" : "alert";
}

/** A period label: an ISO date, YYYY-MM-DD, that exists. */
export function isPeriod(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}
