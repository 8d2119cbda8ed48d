/**
 * What people do with an alarm: acknowledge it (someone is on it), comment,
 * resolve it, or mark it a false alarm (kept: the false-alarm rate per
 * indicator is how a group learns whether to tune its detector). The same four
 * acts apply to an alarm of this co-op and to one escalated to a federation
 * hosted here (`escalations`), each by the managers of the group holding it.
 * Every act is a note, so the alarm's page tells its whole story.
 */
import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import { locksRows } from "../../accounts/locking.ts";
import { recordEvent } from "../../db/outbox.ts";
import type {
  AlarmState,
  IndicatorAlarmNotesTable,
  IndicatorAlarmsTable,
  IndicatorEscalationsTable,
} from "../../db/schema/indicators.ts";
import type { Schema } from "../../db/schema.ts";
import { findGroupById } from "../../groups/groups.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { memberUri } from "../../kernel/uris.ts";
import { isWaiting, statusOf } from "./beer.ts";
import { isoNow, type OpsMember, type OpsroomContext } from "./context.ts";
import { canManageOpsroom } from "./indicators.ts";
import { alarmUri, escalationUri } from "./uris.ts";

export type Alarm = Selectable<IndicatorAlarmsTable>;
export type Escalation = Selectable<IndicatorEscalationsTable>;
export type AlarmNote = Selectable<IndicatorAlarmNotesTable>;

export const alarmActionSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("acknowledge"), body: z.string().max(2000).default("") }),
  z.object({ action: z.literal("resolve"), body: z.string().max(2000).default("") }),
  z.object({ action: z.literal("false_alarm"), body: z.string().max(2000).default("") }),
  z.object({ action: z.literal("comment"), body: z.string().trim().min(1).max(2000) }),
]);
export type AlarmAction = z.input<typeof alarmActionSchema>;
export type AlarmProblem = "not-found" | "forbidden" | "invalid" | "closed";

/** The state an act leads to from `state`, or null when it does not apply. */
function nextState(state: AlarmState, action: AlarmAction["action"]): AlarmState | null {
  if (action === "comment") return state;
  if (!isWaiting(state)) return null;
  if (action === "acknowledge") return state === "open" ? "acknowledged" : null;
  return action === "resolve" ? "resolved" : "false_alarm";
}

const noteKind = (action: AlarmAction["action"]) =>
  action === "acknowledge"
    ? ("acknowledged" as const)
    : action === "resolve"
      ? ("resolved" as const)
      : action;

/** The fields an act sets on an alarm row (either table). */
function stamps(action: AlarmAction["action"], by: string, now: string) {
  if (action === "acknowledge") return { acknowledged_at: now, acknowledged_by: by };
  if (action === "resolve" || action === "false_alarm")
    return { resolved_at: now, resolved_by: by };
  return {};
}

async function addNote(
  trx: Kysely<Schema>,
  input: {
    alarmUri: string;
    by: OpsMember;
    authorUri: string;
    kind: AlarmNote["kind"];
    body: string;
    at: string;
  },
) {
  await trx
    .insertInto("indicator_alarm_notes")
    .values({
      id: newId(),
      alarm_uri: input.alarmUri,
      author_uri: input.authorUri,
      author_account_id: input.by.id,
      kind: input.kind,
      body: input.body,
      created_at: input.at,
    })
    .execute();
}

/** Recomputes an indicator's status from its waiting alarms (in the caller's transaction). */
export async function refreshStatus(trx: Kysely<Schema>, indicatorId: string, now: string) {
  const waiting = await trx
    .selectFrom("indicator_alarms")
    .select("level")
    .where("indicator_id", "=", indicatorId)
    .where("state", "in", ["open", "acknowledged"])
    .execute();
  await trx
    .updateTable("indicators")
    .set({ status: statusOf(waiting), updated_at: now })
    .where("id", "=", indicatorId)
    .execute();
}

/** An act on one of this co-op's alarms, by a manager of the indicator's group. */
export async function actOnAlarm(
  ctx: OpsroomContext,
  by: OpsMember,
  alarmId: string,
  input: AlarmAction,
): Promise<Result<{ state: AlarmState }, AlarmProblem>> {
  const parsed = alarmActionSchema.safeParse(input);
  if (!parsed.success) return fail("invalid");
  const act = parsed.data;
  return ctx.db.transaction().execute(async (trx) => {
    const alarm = await trx
      .selectFrom("indicator_alarms")
      .selectAll()
      .where("id", "=", alarmId)
      .$if(locksRows(trx), (q) => q.forUpdate())
      .executeTakeFirst();
    if (!alarm) return fail("not-found");
    const group = await findGroupById(trx, alarm.group_id);
    if (!group || !(await canManageOpsroom(trx, ctx.origin, group, by))) return fail("forbidden");
    const state = nextState(alarm.state, act.action);
    if (!state) return fail("closed");
    const now = isoNow(ctx);
    const authorUri = memberUri(ctx.origin, by.username);
    if (act.action !== "comment") {
      await trx
        .updateTable("indicator_alarms")
        .set({ state, updated_at: now, ...stamps(act.action, authorUri, now) })
        .where("id", "=", alarm.id)
        .execute();
      await refreshStatus(trx, alarm.indicator_id, now);
      await recordEvent(trx, {
        type: "indicators.indicator.reported",
        payload: { indicatorIds: [alarm.indicator_id] },
      });
      // The federations it went to learn of it (those here read this row directly).
      if (alarm.level > 0)
        await recordEvent(trx, { type: "indicators.alarm.changed", payload: { alarmId } });
    }
    await addNote(trx, {
      alarmUri: alarmUri(ctx.origin, alarm.id),
      by,
      authorUri,
      kind: noteKind(act.action),
      body: act.body,
      at: now,
    });
    // A local federation holding it follows the co-op's resolution at once.
    if (state === "resolved" || state === "false_alarm")
      await trx
        .updateTable("indicator_escalations")
        .set({ origin_state: state, updated_at: now })
        .where("alarm_uri", "=", alarmUri(ctx.origin, alarm.id))
        .execute();
    return ok({ state });
  });
}

/** An act on an alarm escalated to a federation hosted here, by a manager of the federation. */
export async function actOnEscalation(
  ctx: OpsroomContext,
  by: OpsMember,
  escalationId: string,
  input: AlarmAction,
): Promise<Result<{ state: AlarmState }, AlarmProblem>> {
  const parsed = alarmActionSchema.safeParse(input);
  if (!parsed.success) return fail("invalid");
  const act = parsed.data;
  return ctx.db.transaction().execute(async (trx) => {
    const e = await trx
      .selectFrom("indicator_escalations")
      .selectAll()
      .where("id", "=", escalationId)
      .$if(locksRows(trx), (q) => q.forUpdate())
      .executeTakeFirst();
    if (!e) return fail("not-found");
    const group = await findGroupById(trx, e.group_id);
    if (!group || !(await canManageOpsroom(trx, ctx.origin, group, by))) return fail("forbidden");
    const state = nextState(e.state, act.action);
    if (!state) return fail("closed");
    const now = isoNow(ctx);
    const authorUri = memberUri(ctx.origin, by.username);
    if (act.action !== "comment")
      await trx
        .updateTable("indicator_escalations")
        .set({ state, updated_at: now, ...stamps(act.action, authorUri, now) })
        .where("id", "=", e.id)
        .execute();
    await addNote(trx, {
      alarmUri: escalationUri(ctx.origin, e.id),
      by,
      authorUri,
      kind: noteKind(act.action),
      body: act.body,
      at: now,
    });
    return ok({ state });
  });
}

export function findAlarm(db: Kysely<Schema>, id: string): Promise<Alarm | undefined> {
  return db.selectFrom("indicator_alarms").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findEscalation(db: Kysely<Schema>, id: string): Promise<Escalation | undefined> {
  return db.selectFrom("indicator_escalations").selectAll().where("id", "=", id).executeTakeFirst();
}

/** An indicator's alarms, newest first. */
export function alarmsOf(db: Kysely<Schema>, indicatorId: string, limit = 200): Promise<Alarm[]> {
  return db
    .selectFrom("indicator_alarms")
    .selectAll()
    .where("indicator_id", "=", indicatorId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** An alarm's story, oldest first. */
export function notesOf(db: Kysely<Schema>, uri: string): Promise<AlarmNote[]> {
  return db
    .selectFrom("indicator_alarm_notes")
    .selectAll()
    .where("alarm_uri", "=", uri)
    .orderBy("id")
    .limit(500)
    .execute();
}

/** Share of an indicator's closed alarms that were false; null before any closed. */
export function falseAlarmRate(alarms: readonly Pick<Alarm, "state">[]): number | null {
  const closed = alarms.filter((a) => a.state === "resolved" || a.state === "false_alarm");
  if (closed.length === 0) return null;
  return closed.filter((a) => a.state === "false_alarm").length / closed.length;
}
