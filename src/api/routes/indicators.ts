/**
 * The opsroom for apps and machines, under /api/synco/v1/indicators
 * (docs/opsroom.md "API"): a group's indicators, one indicator with its values
 * and alarms, reporting values (one indicator or many at once; scope
 * `write:indicators`, which `write` includes), and acting on an alarm. A report
 * is all or nothing: a bad entry is 422 naming its index and writes nothing.
 */
import { Hono } from "hono";
import { z } from "zod";
import {
  actOnAlarm,
  alarmActionSchema,
  alarmsOf,
  falseAlarmRate,
  findAlarm,
} from "../../economy/opsroom/alarms.ts";
import { beerMeasures, isLate } from "../../economy/opsroom/beer.ts";
import {
  canViewOpsroom,
  findIndicator,
  type Indicator,
  indicatorsOf,
} from "../../economy/opsroom/indicators.ts";
import { indicatorUri } from "../../economy/opsroom/uris.ts";
import { MAX_VALUES_PER_REPORT, reportValues, valuesOf } from "../../economy/opsroom/values.ts";
import { findGroup, findGroupById } from "../../groups/groups.ts";
import { requireUser } from "../auth.ts";
import type { ApiDeps, ApiEnv } from "../deps.ts";
import { ApiError, notFound, unprocessable } from "../errors.ts";

const PREFIX = "/api/synco/v1/indicators";

const REPORT_PROBLEMS: Record<string, [number, string]> = {
  empty: [422, "No values given"],
  "too-many": [422, `At most ${MAX_VALUES_PER_REPORT} values at once`],
  "not-found": [404, "Indicator not found"],
  forbidden: [403, "You do not report for this indicator's group"],
  "bad-period": [422, "period must be a day, YYYY-MM-DD"],
  "bad-value": [422, "value must be a finite number"],
  "not-after-last": [422, "period must come after the indicator's last reported period"],
};
const ALARM_PROBLEMS: Record<string, [number, string]> = {
  "not-found": [404, "Record not found"],
  forbidden: [403, "Only the group's moderators and admins act on its alarms"],
  invalid: [422, "action must be acknowledge, resolve, false_alarm or comment (with a body)"],
  closed: [409, "This alarm is closed"],
};

const entry = z.object({ period: z.string().max(10), value: z.number() }).strict();
const oneBody = z.union([
  entry,
  z.object({ values: z.array(entry).min(1).max(MAX_VALUES_PER_REPORT) }).strict(),
]);
const manyBody = z
  .object({
    values: z
      .array(entry.extend({ indicator_id: z.string().max(64) }).strict())
      .min(1)
      .max(MAX_VALUES_PER_REPORT),
  })
  .strict();

export function indicatorRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const ctx = () => ({ db: deps.db, origin: deps.config.origin, clock: deps.clock });
  const serialize = (i: Indicator) => ({
    id: i.id,
    uri: indicatorUri(deps.config.origin, i.id),
    name: i.name,
    unit: i.unit,
    frequency: i.frequency,
    direction: i.direction,
    status: i.status,
    late: isLate(i.frequency, i.last_period, i.created_at, deps.clock.now()),
    last_period: i.last_period,
    last_value: i.last_value,
    capability: i.capability,
    potentiality: i.potentiality,
    ...beerMeasures(i.last_value, i.capability, i.potentiality),
    share_values: i.share_values === 1,
    values_count: i.values_count,
  });
  /** Read the JSON body ourselves: a batch of 10,000 values is above readParams' caps. */
  async function body(c: { req: { json(): Promise<unknown> } }): Promise<unknown> {
    try {
      return await c.req.json();
    } catch {
      throw unprocessable("The body must be JSON");
    }
  }
  async function visible(me: { id: string; username: string }, groupId: string) {
    const group = await findGroupById(deps.db, groupId);
    if (!group || !(await canViewOpsroom(deps.db, deps.config.origin, group, me))) throw notFound();
    return group;
  }
  async function report(
    me: { id: string; username: string },
    values: { indicatorId: string; period: string; value: number }[],
  ) {
    const done = await reportValues(ctx(), me, values, "api");
    if (!done.ok) {
      const [status, text] = REPORT_PROBLEMS[done.reason] ?? [422, done.reason];
      throw new ApiError(
        status as 422,
        done.index === undefined ? text : `values[${done.index}]: ${text}`,
      );
    }
    return {
      values: done.value.values,
      alarms: done.value.alarms.map((a) => ({
        id: a.id,
        indicator_id: a.indicatorId,
        period: a.period,
        kind: a.kind,
      })),
    };
  }

  app.get(PREFIX, async (c) => {
    const me = requireUser(c, "read:indicators");
    const group = await findGroup(deps.db, c.req.query("group") ?? "");
    if (!group) throw notFound();
    await visible(me, group.id);
    return c.json((await indicatorsOf(deps.db, group.id)).map(serialize));
  });

  app.get(`${PREFIX}/:id`, async (c) => {
    const me = requireUser(c, "read:indicators");
    const i = await findIndicator(deps.db, c.req.param("id"));
    if (!i) throw notFound();
    await visible(me, i.group_id);
    const alarms = await alarmsOf(deps.db, i.id);
    return c.json({
      ...serialize(i),
      false_alarm_rate: falseAlarmRate(alarms),
      values: (await valuesOf(deps.db, i.id, 365)).map((v) => ({
        period: v.period,
        value: v.value,
        forecast: v.forecast,
        lower: v.lower,
        upper: v.upper,
      })),
      alarms: alarms.map((a) => ({
        id: a.id,
        period: a.period,
        kind: a.kind,
        probability: a.probability,
        state: a.state,
        level: a.level,
        forecast: a.forecast,
        lower: a.lower,
        upper: a.upper,
      })),
    });
  });

  app.post(`${PREFIX}/values`, async (c) => {
    const me = requireUser(c, "write:indicators");
    const parsed = manyBody.safeParse(await body(c));
    if (!parsed.success)
      throw unprocessable(
        `values: 1 to ${MAX_VALUES_PER_REPORT} of { indicator_id, period, value }`,
      );
    return c.json(
      await report(
        me,
        parsed.data.values.map((v) => ({
          indicatorId: v.indicator_id,
          period: v.period,
          value: v.value,
        })),
      ),
      201,
    );
  });

  app.post(`${PREFIX}/:id/values`, async (c) => {
    const me = requireUser(c, "write:indicators");
    const parsed = oneBody.safeParse(await body(c));
    if (!parsed.success)
      throw unprocessable("{ period, value } or { values: [{ period, value }] }");
    const list = "values" in parsed.data ? parsed.data.values : [parsed.data];
    const indicatorId = c.req.param("id");
    return c.json(
      await report(
        me,
        list.map((v) => ({ indicatorId, ...v })),
      ),
      201,
    );
  });

  app.post(`${PREFIX}/alarms/:id`, async (c) => {
    const me = requireUser(c, "write:indicators");
    const parsed = alarmActionSchema.safeParse(await body(c));
    if (!parsed.success) throw unprocessable(ALARM_PROBLEMS.invalid?.[1] ?? "invalid");
    const alarm = await findAlarm(deps.db, c.req.param("id"));
    if (!alarm) throw notFound();
    await visible(me, alarm.group_id);
    const done = await actOnAlarm(ctx(), me, alarm.id, parsed.data);
    if (!done.ok) {
      const [status, text] = ALARM_PROBLEMS[done.reason] ?? [422, done.reason];
      throw new ApiError(status as 422, text);
    }
    return c.json({ id: alarm.id, state: done.value.state });
  });

  return app;
}
