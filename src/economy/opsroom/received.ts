/**
 * On a node hosting a federation of co-ops: what its member co-ops tell it —
 * an alarm escalated to it (kept as an escalation, its managers notified; a
 * repeat or a later Update refreshes the co-op's side of it) and the state of
 * their indicators (the federation's board). Only an active member co-op of
 * the federation is heard; a co-op speaks only for alarms and indicators on
 * its own node (the id's origin is the co-op's) or, forwarding from a
 * federation below, for that federation's escalations.
 */
import type { Kysely } from "kysely";
import { locksRows } from "../../accounts/locking.ts";
import type {
  AlarmKind,
  AlarmState,
  IndicatorFrequency,
  IndicatorStatus,
} from "../../db/schema/indicators.ts";
import type { Schema } from "../../db/schema.ts";
import type { Group } from "../../groups/groups.ts";
import { membershipOf } from "../../groups/standing.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { isoNow, type OpsroomContext } from "./context.ts";
import { notifyManagers } from "./managers.ts";
import { escalationUri } from "./uris.ts";

/** An alarm as it travels (federation/indicators/objects.ts writes it, parse.ts reads it). */
export interface AlarmReport {
  alarmUri: string;
  /** The co-op whose indicator raised it. */
  coopUri: string;
  indicatorUri: string;
  indicatorName: string;
  unit: string;
  period: string;
  kind: AlarmKind;
  probability: number;
  /** Null unless the co-op shares the indicator's values. */
  value: number | null;
  forecast: number | null;
  lower: number | null;
  upper: number | null;
  raisedAt: string;
  /** The level it arrives at (1: the co-op's federation). */
  level: number;
  /** Its state where it was raised. */
  state: AlarmState;
}

/** An indicator's state as it travels. */
export interface IndicatorReport {
  indicatorUri: string;
  coopUri: string;
  name: string;
  unit: string;
  frequency: IndicatorFrequency;
  status: IndicatorStatus;
  lastPeriod: string | null;
  lastValue: number | null;
}

export type ReceiveProblem = "not-a-federation" | "not-a-member-coop";

const sameOrigin = (a: string, b: string) =>
  URL.canParse(a) && URL.canParse(b) && new URL(a).origin === new URL(b).origin;

async function isMemberCoop(db: Kysely<Schema>, group: Group, actorUri: string) {
  const row = await membershipOf(db, group.id, actorUri);
  return row?.actor_kind === "coop" && row.status === "active";
}

/**
 * An alarm escalated to `group` by `senderUri` (a member co-op; the alarm is
 * its own, or an escalation its node holds for a federation below).
 */
export async function receiveEscalation(
  ctx: OpsroomContext,
  group: Group,
  senderUri: string,
  report: AlarmReport,
): Promise<Result<{ id: string; created: boolean }, ReceiveProblem>> {
  return ctx.db
    .transaction()
    .execute((trx) => storeEscalation({ ...ctx, db: trx }, group, senderUri, report));
}

/** receiveEscalation inside the caller's transaction (`ctx.db` is it): the sweep escalates to a federation here this way. */
export async function storeEscalation(
  ctx: OpsroomContext,
  group: Group,
  senderUri: string,
  report: AlarmReport,
): Promise<Result<{ id: string; created: boolean }, ReceiveProblem>> {
  if (group.kind !== "federation") return fail("not-a-federation");
  if (!sameOrigin(report.alarmUri, senderUri)) return fail("not-a-member-coop");
  const trx = ctx.db;
  {
    if (!(await isMemberCoop(trx, group, senderUri))) return fail("not-a-member-coop");
    const now = isoNow(ctx);
    const existing = await trx
      .selectFrom("indicator_escalations")
      .select(["id", "state"])
      .where("group_id", "=", group.id)
      .where("alarm_uri", "=", report.alarmUri)
      .$if(locksRows(trx), (q) => q.forUpdate())
      .executeTakeFirst();
    const fields = {
      coop_uri: report.coopUri,
      indicator_uri: report.indicatorUri,
      indicator_name: report.indicatorName,
      unit: report.unit,
      period: report.period,
      kind: report.kind,
      probability: report.probability,
      value: report.value,
      forecast: report.forecast,
      lower: report.lower,
      upper: report.upper,
      raised_at: report.raisedAt,
      origin_state: report.state,
      updated_at: now,
    };
    if (existing) {
      await trx
        .updateTable("indicator_escalations")
        .set(fields)
        .where("id", "=", existing.id)
        .execute();
      return ok({ id: existing.id, created: false });
    }
    const id = newId();
    await trx
      .insertInto("indicator_escalations")
      .values({
        id,
        group_id: group.id,
        alarm_uri: report.alarmUri,
        ...fields,
        received_at: now,
        level: Math.max(1, Math.min(100, report.level)),
        state: "open",
        escalated_to: "[]",
        escalated_at: null,
        acknowledged_at: null,
        acknowledged_by: null,
        resolved_at: null,
        resolved_by: null,
      })
      .execute();
    await notifyManagers(
      trx,
      group,
      { type: "indicator_escalated", fromUri: escalationUri(ctx.origin, id) },
      ctx.clock,
    );
    return ok({ id, created: true });
  }
}

/** A member co-op's indicator state, for the federation's board. */
export async function receiveIndicatorState(
  ctx: OpsroomContext,
  group: Group,
  senderUri: string,
  report: IndicatorReport,
): Promise<Result<null, ReceiveProblem>> {
  if (group.kind !== "federation") return fail("not-a-federation");
  if (report.coopUri !== senderUri || !sameOrigin(report.indicatorUri, senderUri))
    return fail("not-a-member-coop");
  if (!(await isMemberCoop(ctx.db, group, senderUri))) return fail("not-a-member-coop");
  const row = {
    coop_uri: report.coopUri,
    name: report.name,
    unit: report.unit,
    frequency: report.frequency,
    status: report.status,
    last_period: report.lastPeriod,
    last_value: report.lastValue,
    updated_at: isoNow(ctx),
  };
  await ctx.db
    .insertInto("indicator_member_states")
    .values({ group_id: group.id, indicator_uri: report.indicatorUri, ...row })
    .onConflict((oc) => oc.columns(["group_id", "indicator_uri"]).doUpdateSet(row))
    .execute();
  return ok(null);
}
