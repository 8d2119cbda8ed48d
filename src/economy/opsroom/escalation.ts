/**
 * Beer's algedonic signal: an alarm its group leaves unacknowledged past the
 * group's acknowledgement window, or unresolved past its resolution window,
 * goes up a level — from a co-op's group to the federations the co-op belongs
 * to, and from a federation hosted here to the federation above it. The
 * worker runs `escalateDue` on a timer with the node's clock (tests pass a
 * later one instead of waiting). Each alarm escalates once per level, claimed
 * in its own transaction: a federation on this node gets the escalation in
 * that transaction; one elsewhere gets it through the outbox
 * (indicators.alarm.escalated, relayed as the co-op's Create).
 */
import type { Kysely } from "kysely";
import { locksRows } from "../../accounts/locking.ts";
import { recordEvent } from "../../db/outbox.ts";
import type { Schema } from "../../db/schema.ts";
import { findGroup, findGroupById } from "../../groups/groups.ts";
import { newId } from "../../kernel/ids.ts";
import { coopUri, groupPrefix } from "../../kernel/uris.ts";
import type { Alarm, Escalation } from "./alarms.ts";
import { refreshStatus } from "./alarms.ts";
import { isoNow, type OpsroomContext } from "./context.ts";
import type { Indicator } from "./indicators.ts";
import { type AlarmReport, storeEscalation } from "./received.ts";
import { escalationTargets, settingsOf } from "./settings.ts";
import { alarmUri, escalationUri, indicatorUri } from "./uris.ts";

/** Alarms looked at per sweep (the rest wait for the next). */
const SWEEP_BATCH = 500;
const HOUR = 3600 * 1000;

/** Is an alarm raised (or received) at `since` due to go up, given the group's windows? */
export function isDue(
  state: Alarm["state"],
  since: string,
  windows: { ack_hours: number; resolve_hours: number },
  now: Date,
): boolean {
  const waited = now.getTime() - Date.parse(since);
  if (state === "open" && waited >= windows.ack_hours * HOUR) return true;
  return (state === "open" || state === "acknowledged") && waited >= windows.resolve_hours * HOUR;
}

/** An alarm of this co-op as it travels; the value only where the indicator's values are shared. */
export function alarmReportOf(origin: string, alarm: Alarm, indicator: Indicator): AlarmReport {
  return {
    alarmUri: alarmUri(origin, alarm.id),
    coopUri: coopUri(origin),
    indicatorUri: indicatorUri(origin, indicator.id),
    indicatorName: indicator.name,
    unit: indicator.unit,
    period: alarm.period,
    kind: alarm.kind,
    probability: alarm.probability,
    value: indicator.share_values ? alarm.value : null,
    forecast: indicator.share_values ? alarm.forecast : null,
    lower: indicator.share_values ? alarm.lower : null,
    upper: indicator.share_values ? alarm.upper : null,
    raisedAt: alarm.raised_at,
    level: 1,
    state: alarm.state,
  };
}

/** An escalation held here, forwarded on: the co-op's alarm as this federation saw it. */
export function forwardedReportOf(origin: string, e: Escalation): AlarmReport {
  return {
    alarmUri: escalationUri(origin, e.id),
    coopUri: e.coop_uri,
    indicatorUri: e.indicator_uri,
    indicatorName: e.indicator_name,
    unit: e.unit,
    period: e.period,
    kind: e.kind,
    probability: e.probability,
    value: e.value,
    forecast: e.forecast,
    lower: e.lower,
    upper: e.upper,
    raisedAt: e.raised_at,
    level: e.level + 1,
    state: e.state,
  };
}

const isHere = (origin: string, uri: string) => uri.startsWith(groupPrefix(origin));

async function systemNote(trx: Kysely<Schema>, ctx: OpsroomContext, uri: string, body: string) {
  await trx
    .insertInto("indicator_alarm_notes")
    .values({
      id: newId(),
      alarm_uri: uri,
      author_uri: coopUri(ctx.origin),
      author_account_id: null,
      kind: "escalated",
      body,
      created_at: isoNow(ctx),
    })
    .execute();
}

/** Hands an alarm report to the federations here (in `trx`); returns those elsewhere. */
async function deliverHere(
  trx: Kysely<Schema>,
  ctx: OpsroomContext,
  targets: string[],
  report: AlarmReport,
): Promise<string[]> {
  const elsewhere: string[] = [];
  for (const uri of targets) {
    if (!isHere(ctx.origin, uri)) {
      elsewhere.push(uri);
      continue;
    }
    const group = await findGroup(trx, uri.slice(groupPrefix(ctx.origin).length));
    if (group) await storeEscalation({ ...ctx, db: trx }, group, coopUri(ctx.origin), report);
  }
  return elsewhere;
}

async function escalateAlarm(ctx: OpsroomContext, alarmId: string): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    const alarm = await trx
      .selectFrom("indicator_alarms")
      .selectAll()
      .where("id", "=", alarmId)
      .$if(locksRows(trx), (q) => q.forUpdate())
      .executeTakeFirst();
    if (!alarm || alarm.escalated_at !== null || alarm.level !== 0) return false;
    const group = await findGroupById(trx, alarm.group_id);
    const indicator = await trx
      .selectFrom("indicators")
      .selectAll()
      .where("id", "=", alarm.indicator_id)
      .executeTakeFirst();
    if (!group || !indicator) return false;
    const settings = await settingsOf(trx, group.id);
    if (!isDue(alarm.state, alarm.raised_at, settings, ctx.clock.now())) return false;
    const targets = await escalationTargets(trx, ctx.origin, group);
    const now = isoNow(ctx);
    await trx
      .updateTable("indicator_alarms")
      .set({
        escalated_at: now,
        escalated_to: JSON.stringify(targets),
        level: targets.length > 0 ? 1 : 0,
        updated_at: now,
      })
      .where("id", "=", alarm.id)
      .execute();
    if (targets.length === 0) return false;
    await refreshStatus(trx, indicator.id, now);
    // The federations' boards show the indicator in crisis now.
    await recordEvent(trx, {
      type: "indicators.indicator.reported",
      payload: { indicatorIds: [indicator.id] },
    });
    await systemNote(trx, ctx, alarmUri(ctx.origin, alarm.id), targets.join(" "));
    const report = alarmReportOf(ctx.origin, { ...alarm, level: 1 }, indicator);
    const elsewhere = await deliverHere(trx, ctx, targets, report);
    if (elsewhere.length > 0)
      await recordEvent(trx, {
        type: "indicators.alarm.escalated",
        payload: { alarmId: alarm.id, groupUris: elsewhere },
      });
    return true;
  });
}

async function forwardEscalation(ctx: OpsroomContext, escalationId: string): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    const e = await trx
      .selectFrom("indicator_escalations")
      .selectAll()
      .where("id", "=", escalationId)
      .$if(locksRows(trx), (q) => q.forUpdate())
      .executeTakeFirst();
    if (!e || e.escalated_at !== null) return false;
    const group = await findGroupById(trx, e.group_id);
    if (!group) return false;
    const settings = await settingsOf(trx, group.id);
    if (!isDue(e.state, e.received_at, settings, ctx.clock.now())) return false;
    const targets = await escalationTargets(trx, ctx.origin, group);
    const now = isoNow(ctx);
    await trx
      .updateTable("indicator_escalations")
      .set({ escalated_at: now, escalated_to: JSON.stringify(targets), updated_at: now })
      .where("id", "=", e.id)
      .execute();
    if (targets.length === 0) return false;
    await systemNote(trx, ctx, escalationUri(ctx.origin, e.id), targets.join(" "));
    const elsewhere = await deliverHere(trx, ctx, targets, forwardedReportOf(ctx.origin, e));
    if (elsewhere.length > 0)
      await recordEvent(trx, {
        type: "indicators.escalation.forwarded",
        payload: { escalationId: e.id, groupUris: elsewhere },
      });
    return true;
  });
}

/**
 * One sweep: every alarm and escalation here past its group's window goes up
 * a level. Returns how many went up.
 */
export async function escalateDue(
  ctx: OpsroomContext,
): Promise<{ alarms: number; forwarded: number }> {
  // Nothing escalates sooner than an hour (the shortest window): older ones are candidates.
  const cutoff = new Date(ctx.clock.now().getTime() - HOUR).toISOString();
  const alarms = await ctx.db
    .selectFrom("indicator_alarms")
    .select("id")
    .where("state", "in", ["open", "acknowledged"])
    .where("level", "=", 0)
    .where("escalated_at", "is", null)
    .where("raised_at", "<=", cutoff)
    .orderBy("raised_at")
    .limit(SWEEP_BATCH)
    .execute();
  let up = 0;
  for (const a of alarms) if (await escalateAlarm(ctx, a.id)) up++;
  const held = await ctx.db
    .selectFrom("indicator_escalations")
    .select("id")
    .where("state", "in", ["open", "acknowledged"])
    .where("escalated_at", "is", null)
    .where("received_at", "<=", cutoff)
    .orderBy("received_at")
    .limit(SWEEP_BATCH)
    .execute();
  let forwarded = 0;
  for (const e of held) if (await forwardEscalation(ctx, e.id)) forwarded++;
  return { alarms: up, forwarded };
}
