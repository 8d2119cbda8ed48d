/**
 * What this node tells the federations above it, and who may fetch it: an
 * indicator's state (raw last value only where the co-op shares values), and
 * an escalated alarm or forwarded escalation only to the nodes hosting the
 * federations it went to. Documents are fetched by the receiving node (signed),
 * so these checks decide who reads what.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { findGroupById } from "../../groups/groups.ts";
import { coopUri } from "../../kernel/uris.ts";
import { type Alarm, type Escalation, findAlarm, findEscalation } from "./alarms.ts";
import { alarmReportOf, forwardedReportOf } from "./escalation.ts";
import { findIndicator, type Indicator } from "./indicators.ts";
import type { AlarmReport, IndicatorReport } from "./received.ts";
import { coopFederations } from "./settings.ts";
import { indicatorUri } from "./uris.ts";

export function indicatorReportOf(origin: string, i: Indicator): IndicatorReport {
  return {
    indicatorUri: indicatorUri(origin, i.id),
    coopUri: coopUri(origin),
    name: i.name,
    unit: i.unit,
    frequency: i.frequency,
    status: i.status,
    lastPeriod: i.last_period,
    lastValue: i.share_values ? i.last_value : null,
  };
}

const originOf = (uri: string) => (URL.canParse(uri) ? new URL(uri).origin : null);
const origins = (uris: string[]) => new Set(uris.map(originOf).filter((o) => o !== null));

/** An indicator of the co-op's own groups (not of a federation hosted here) travels up. */
export async function travelsUp(db: Kysely<Schema>, i: Indicator): Promise<boolean> {
  const group = await findGroupById(db, i.group_id);
  return !!group && group.kind !== "federation";
}

/** The indicator's state for a fetch signed by `fetcher`'s server, if that server hosts one of our federations. */
export async function indicatorFor(
  db: Kysely<Schema>,
  origin: string,
  id: string,
  fetcher: string,
): Promise<{ report: IndicatorReport; updated: string } | null> {
  const i = await findIndicator(db, id);
  if (!i || !(await travelsUp(db, i))) return null;
  if (!origins(await coopFederations(db, origin)).has(originOf(fetcher) ?? "")) return null;
  return { report: indicatorReportOf(origin, i), updated: i.updated_at };
}

const escalatedTo = (row: Pick<Alarm | Escalation, "escalated_to">) =>
  origins(JSON.parse(row.escalated_to) as string[]);

/** An escalated alarm of ours, for the nodes of the federations it went to. */
export async function alarmFor(
  db: Kysely<Schema>,
  origin: string,
  id: string,
  fetcher: string,
): Promise<AlarmReport | null> {
  const alarm = await findAlarm(db, id);
  if (!alarm || alarm.level === 0 || !escalatedTo(alarm).has(originOf(fetcher) ?? "")) return null;
  const i = await findIndicator(db, alarm.indicator_id);
  return i ? alarmReportOf(origin, alarm, i) : null;
}

/** An escalation a federation here forwarded, for the node of the federation above. */
export async function escalationFor(
  db: Kysely<Schema>,
  origin: string,
  id: string,
  fetcher: string,
): Promise<AlarmReport | null> {
  const e = await findEscalation(db, id);
  if (!e || !escalatedTo(e).has(originOf(fetcher) ?? "")) return null;
  return forwardedReportOf(origin, e);
}
