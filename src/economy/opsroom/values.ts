/**
 * Reporting values (by form, API or CSV: one path). Each indicator's series
 * runs through the Cyberstride detector as values arrive: the detector is
 * restored from its snapshot, fed the new values in period order, and its new
 * snapshot is written in the same transaction as the values and any alarm, so
 * a restart between two reports changes nothing (values.test.ts compares an
 * interrupted run with an uninterrupted one). A batch is all or nothing: one
 * bad entry refuses it with the entry's index and writes nothing.
 */
import { type Kysely, sql } from "kysely";
import { locksRows } from "../../accounts/locking.ts";
import { recordEvent } from "../../db/outbox.ts";
import type { AlarmKind } from "../../db/schema/indicators.ts";
import type { Schema } from "../../db/schema.ts";
import { findGroupById, type Group } from "../../groups/groups.ts";
import { ok } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { notify } from "../../social/notifications.ts";
import { CyberstrideDetector } from "../indicators/detector.ts";
import { isPeriod } from "./beer.ts";
import { isoNow, type OpsMember, type OpsroomContext } from "./context.ts";
import { canViewOpsroom, type Indicator } from "./indicators.ts";
import { managersOf } from "./managers.ts";
import { alarmUri } from "./uris.ts";

/** Values in one report (a CSV upload, an API call). */
export const MAX_VALUES_PER_REPORT = 10_000;
/** Ids per outbox event (the relay sends one Update per indicator). */
const IDS_PER_EVENT = 500;

export interface ValueReport {
  indicatorId: string;
  /** YYYY-MM-DD, after the indicator's last reported period. */
  period: string;
  value: number;
}

export type ReportProblem =
  | "empty"
  | "too-many"
  | "not-found"
  | "forbidden"
  | "bad-period"
  | "bad-value"
  | "not-after-last";

/** A refused report: why, and the entry to blame (its index in the report) when one is. */
export type ReportResult =
  | { ok: true; value: ReportOutcome }
  | { ok: false; reason: ReportProblem; index?: number };

const refuse = (reason: ReportProblem, index?: number): ReportResult =>
  index === undefined ? { ok: false, reason } : { ok: false, reason, index };

export interface ReportOutcome {
  values: number;
  alarms: { id: string; indicatorId: string; period: string; kind: AlarmKind }[];
}

const chunks = <T>(xs: readonly T[], size: number) =>
  Array.from({ length: Math.ceil(xs.length / size) }, (_, i) =>
    xs.slice(i * size, i * size + size),
  );

/**
 * Reports values of one or many indicators, each batch in one transaction. A
 * reporter must be an active member of each indicator's group.
 */
export async function reportValues(
  ctx: OpsroomContext,
  by: OpsMember | null,
  reports: readonly ValueReport[],
  source: "form" | "api" | "csv" | "computed",
): Promise<ReportResult> {
  // Nobody reports a computed value (computed.ts); every other report is a member's.
  if ((by === null) !== (source === "computed")) return refuse("forbidden");
  if (reports.length === 0) return refuse("empty");
  if (reports.length > MAX_VALUES_PER_REPORT) return refuse("too-many");
  for (const [index, r] of reports.entries()) {
    if (typeof r.period !== "string" || !isPeriod(r.period)) return refuse("bad-period", index);
    if (typeof r.value !== "number" || !Number.isFinite(r.value) || Math.abs(r.value) > 1e15)
      return refuse("bad-value", index);
  }
  const ids = [...new Set(reports.map((r) => r.indicatorId))];
  return ctx.db.transaction().execute(async (trx) => {
    const indicators = new Map<string, Indicator>();
    for (const part of chunks(ids, 500)) {
      // Locked (PostgreSQL): two reports of one indicator at once must not both start from one snapshot.
      const rows = await trx
        .selectFrom("indicators")
        .selectAll()
        .where("id", "in", part)
        .$if(locksRows(trx), (q) => q.forUpdate())
        .execute();
      for (const row of rows) indicators.set(row.id, row);
    }
    const byIndicator = new Map<string, { index: number; period: string; value: number }[]>();
    for (const [index, r] of reports.entries()) {
      const indicator = indicators.get(r.indicatorId);
      if (!indicator) return refuse("not-found", index);
      const list = byIndicator.get(r.indicatorId) ?? [];
      const previous = list.at(-1)?.period ?? indicator.last_period;
      if (previous !== null && r.period <= previous) return refuse("not-after-last", index);
      list.push({ index, period: r.period, value: r.value });
      byIndicator.set(r.indicatorId, list);
    }
    const groups = new Map<string, Group | undefined>();
    const allowed = new Map<string, boolean>();
    for (const indicator of indicators.values()) {
      if (!allowed.has(indicator.group_id)) {
        const group = await findGroupById(trx, indicator.group_id);
        groups.set(indicator.group_id, group);
        allowed.set(
          indicator.group_id,
          !!group && (by === null || (await canViewOpsroom(trx, ctx.origin, group, by))),
        );
      }
    }
    for (const [index, r] of reports.entries()) {
      const indicator = indicators.get(r.indicatorId) as Indicator;
      if (!allowed.get(indicator.group_id)) return refuse("forbidden", index);
      // A computed series has one source: the sweep (computed.ts), not people.
      if ((indicator.computed_from !== null) !== (source === "computed"))
        return refuse("forbidden", index);
    }

    const now = isoNow(ctx);
    const outcome: ReportOutcome = { values: reports.length, alarms: [] };
    const valueRows: Schema["indicator_values"][] = [];
    const alarmRows: Schema["indicator_alarms"][] = [];
    const saved: SavedIndicator[] = [];
    for (const [indicatorId, list] of byIndicator) {
      const indicator = indicators.get(indicatorId) as Indicator;
      const detector = CyberstrideDetector.fromJson(indicator.detector);
      const rowOf = new Map<string, Schema["indicator_values"]>();
      const bands: { period: string; forecast: number; lower: number; upper: number }[] = [];
      let alarmed = false;
      for (const v of list) {
        const row: Schema["indicator_values"] = {
          id: newId(),
          indicator_id: indicatorId,
          period: v.period,
          value: v.value,
          forecast: null,
          lower: null,
          upper: null,
          source,
          reported_by: by?.id ?? null,
          reported_at: now,
        };
        rowOf.set(v.period, row);
        valueRows.push(row);
        // The warm-up's held values come back together (some were reported earlier).
        for (const step of detector.push(v.period, v.value)) {
          const period = String(step.t);
          const band = { period, forecast: step.forecast, lower: step.lower, upper: step.upper };
          const own = rowOf.get(period);
          if (own) Object.assign(own, band);
          else bands.push(band);
          if (!step.alarm) continue;
          alarmed = true;
          const id = newId();
          alarmRows.push({
            id,
            indicator_id: indicatorId,
            group_id: indicator.group_id,
            period,
            value: step.value,
            kind: step.alarm.kind,
            probability: step.alarm.probability,
            forecast: step.forecast,
            lower: step.lower,
            upper: step.upper,
            state: "open",
            level: 0,
            escalated_to: "[]",
            raised_at: now,
            escalated_at: null,
            acknowledged_at: null,
            acknowledged_by: null,
            resolved_at: null,
            resolved_by: null,
            updated_at: now,
          });
          outcome.alarms.push({ id, indicatorId, period, kind: step.alarm.kind });
        }
      }
      for (const band of bands)
        await trx
          .updateTable("indicator_values")
          .set({ forecast: band.forecast, lower: band.lower, upper: band.upper })
          .where("indicator_id", "=", indicatorId)
          .where("period", "=", band.period)
          .execute();
      const last = list.at(-1) as { period: string; value: number };
      saved.push({
        id: indicatorId,
        detector: detector.snapshotJson(),
        lastPeriod: last.period,
        lastValue: last.value,
        count: indicator.values_count + list.length,
        status: alarmed && indicator.status === "normal" ? "alert" : indicator.status,
      });
    }
    // Multi-row statements: a report of thousands of values is a few of them.
    for (const part of chunks(saved, 500)) await saveIndicators(trx, part, now);
    for (const part of chunks(valueRows, 500))
      await trx.insertInto("indicator_values").values(part).execute();
    for (const part of chunks(alarmRows, 500))
      await trx.insertInto("indicator_alarms").values(part).execute();
    const managers = new Map<string, string[]>();
    for (const alarm of alarmRows) {
      const group = groups.get(alarm.group_id);
      if (!group) continue;
      if (!managers.has(group.id)) managers.set(group.id, await managersOf(trx, group));
      for (const accountId of managers.get(group.id) ?? [])
        await notify(
          trx,
          { accountId, type: "indicator_alarm", fromUri: alarmUri(ctx.origin, alarm.id) },
          ctx.clock,
        );
    }
    for (const part of chunks([...byIndicator.keys()], IDS_PER_EVENT))
      await recordEvent(trx, {
        type: "indicators.indicator.reported",
        payload: { indicatorIds: part },
      });
    return ok(outcome);
  });
}

interface SavedIndicator {
  id: string;
  detector: string;
  lastPeriod: string;
  lastValue: number;
  count: number;
  status: Indicator["status"];
}

/**
 * Saves many indicators' detectors and last values in one UPDATE … FROM
 * (VALUES …), which both SQLite (3.33+) and PostgreSQL accept; VALUES columns
 * are column1… on both, cast where the column is not text.
 */
async function saveIndicators(trx: Kysely<Schema>, rows: SavedIndicator[], now: string) {
  const values = rows.map(
    (r) => sql`(${r.id}, ${r.detector}, ${r.lastPeriod}, ${r.lastValue}, ${r.count}, ${r.status})`,
  );
  await sql`update indicators set
      detector = v.column2,
      last_period = v.column3,
      last_value = cast(v.column4 as double precision),
      values_count = cast(v.column5 as integer),
      status = v.column6,
      last_reported_at = ${now},
      updated_at = ${now}
    from (values ${sql.join(values)}) as v
    where indicators.id = v.column1`.execute(trx);
}

/** An indicator's values, oldest first (the chart and table show the last `limit`). */
export async function valuesOf(db: Kysely<Schema>, indicatorId: string, limit = 365) {
  const rows = await db
    .selectFrom("indicator_values")
    .selectAll()
    .where("indicator_id", "=", indicatorId)
    .orderBy("period", "desc")
    .limit(limit)
    .execute();
  return rows.reverse();
}
