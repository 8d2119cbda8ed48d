/**
 * Outbox events of the opsroom turned into activities, all from the co-op
 * (the Organization actor, a member of its federations) to a federation
 * Group elsewhere, with the document by reference (the Group's node fetches
 * it, serve.ts):
 * - indicators.indicator.reported → Update(Indicator) to each federation (one
 *   here is told directly, no activity);
 * - indicators.alarm.escalated → Create(IndicatorAlarm) to the federations named;
 * - indicators.alarm.changed → Update(IndicatorAlarm) to where it went;
 * - indicators.escalation.forwarded → Create(IndicatorAlarm) of the escalation
 *   a federation here forwards to the federation above.
 * Activity ids derive from the event, so a re-relayed event is a repeat.
 */
import type { Context } from "@fedify/fedify";
import { Create, Update } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import type { OutboxEventRow } from "../../db/outbox.ts";
import { findAlarm } from "../../economy/opsroom/alarms.ts";
import type { opsroomEvents } from "../../economy/opsroom/events.ts";
import { findIndicator } from "../../economy/opsroom/indicators.ts";
import { indicatorReportOf, travelsUp } from "../../economy/opsroom/outgoing.ts";
import { receiveIndicatorState } from "../../economy/opsroom/received.ts";
import { coopFederations } from "../../economy/opsroom/settings.ts";
import { alarmUri, escalationUri, indicatorUri } from "../../economy/opsroom/uris.ts";
import { findGroup } from "../../groups/groups.ts";
import { coopUri, groupPrefix } from "../../kernel/uris.ts";
import { recipientOf } from "../audience.ts";
import { COOP, type FederationDeps } from "../deps.ts";
import type { EventHandlers } from "../extensions.ts";
import { findRemoteActor } from "../remote-actors.ts";

const logger = getLogger(["synco", "federation", "indicators"]);

const activityId = (deps: FederationDeps, event: OutboxEventRow, suffix: string) =>
  new URL(`/activities/${event.id}/${suffix}`, deps.config.origin);

async function sendTo(
  ctx: Context<void>,
  deps: FederationDeps,
  groupUri: string,
  make: (to: URL) => Create | Update,
) {
  const group = await findRemoteActor(deps.db.db, { uri: groupUri });
  if (!group) return logger.warn("No actor for federation {uri}: not sent", { uri: groupUri });
  await ctx.sendActivity({ identifier: COOP }, recipientOf(group), make(new URL(groupUri)));
}

const isHere = (deps: FederationDeps, uri: string) =>
  uri.startsWith(groupPrefix(deps.config.origin));

export const indicatorsEventHandlers: EventHandlers<typeof opsroomEvents> = {
  "indicators.indicator.reported": async (ctx, deps, event, { indicatorIds }) => {
    const db = deps.db.db;
    const origin = deps.config.origin;
    const federations = await coopFederations(db, origin);
    if (federations.length === 0) return;
    const opsCtx = { db, origin, clock: deps.clock };
    for (const id of indicatorIds) {
      const indicator = await findIndicator(db, id);
      if (!indicator || !(await travelsUp(db, indicator))) continue;
      for (const [n, uri] of federations.entries()) {
        if (isHere(deps, uri)) {
          const group = await findGroup(db, uri.slice(groupPrefix(origin).length));
          if (group)
            await receiveIndicatorState(
              opsCtx,
              group,
              coopUri(origin),
              indicatorReportOf(origin, indicator),
            );
          continue;
        }
        await sendTo(
          ctx,
          deps,
          uri,
          (to) =>
            new Update({
              id: activityId(deps, event, `${id}/${n}`),
              actor: new URL(coopUri(origin)),
              object: new URL(indicatorUri(origin, id)),
              to,
            }),
        );
      }
    }
  },
  "indicators.alarm.escalated": async (ctx, deps, event, { alarmId, groupUris }) => {
    const origin = deps.config.origin;
    for (const [n, uri] of groupUris.entries())
      await sendTo(
        ctx,
        deps,
        uri,
        (to) =>
          new Create({
            id: activityId(deps, event, String(n)),
            actor: new URL(coopUri(origin)),
            object: new URL(alarmUri(origin, alarmId)),
            to,
          }),
      );
  },
  "indicators.alarm.changed": async (ctx, deps, event, { alarmId }) => {
    const alarm = await findAlarm(deps.db.db, alarmId);
    if (!alarm) return;
    const origin = deps.config.origin;
    const targets = (JSON.parse(alarm.escalated_to) as string[]).filter((u) => !isHere(deps, u));
    for (const [n, uri] of targets.entries())
      await sendTo(
        ctx,
        deps,
        uri,
        (to) =>
          new Update({
            id: activityId(deps, event, String(n)),
            actor: new URL(coopUri(origin)),
            object: new URL(alarmUri(origin, alarmId)),
            to,
          }),
      );
  },
  "indicators.escalation.forwarded": async (ctx, deps, event, { escalationId, groupUris }) => {
    const origin = deps.config.origin;
    for (const [n, uri] of groupUris.entries())
      await sendTo(
        ctx,
        deps,
        uri,
        (to) =>
          new Create({
            id: activityId(deps, event, String(n)),
            actor: new URL(coopUri(origin)),
            object: new URL(escalationUri(origin, escalationId)),
            to,
          }),
      );
  },
};
