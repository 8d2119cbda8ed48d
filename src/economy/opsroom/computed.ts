/**
 * Indicators computed from the marketplace (issue 21) instead of reported: the
 * co-op's stock of a resource, what it delivered in the period (transfers and
 * services it provided, optionally of one resource), or its balance in a
 * mutual-credit ledger kept here. The co-op is this node's (its Organization
 * actor), whatever group watches the indicator. The worker's sweep
 * (`computeDue`) takes each one's value once its period has ended and feeds it
 * through `reportValues` — the same detector, storage and alarms as a report
 * by hand — with source "computed". A stock or a balance is read as it stands
 * at the sweep after the period ends; deliveries are summed over the period.
 */
import type { Kysely } from "kysely";
import type { ComputedSource, IndicatorFrequency } from "../../db/schema/indicators.ts";
import type { Schema } from "../../db/schema.ts";
import { coopUri } from "../../kernel/uris.ts";
import type { OpsroomContext } from "./context.ts";
import type { Indicator } from "./indicators.ts";
import { type ReportResult, reportValues, type ValueReport } from "./values.ts";

/** Indicators computed per sweep at most (the next sweep takes the rest). */
const BATCH = 500;

const DAY = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The last period of `frequency` that has ended by `now`, as [start, end): a day;
 * a week from Monday; a calendar month. Its label is its first day.
 */
export function lastEndedPeriod(frequency: IndicatorFrequency, now: Date) {
  const today = new Date(`${day(now)}T00:00:00.000Z`);
  if (frequency === "daily") return { start: new Date(today.getTime() - DAY), end: today };
  if (frequency === "weekly") {
    const monday = new Date(today.getTime() - ((today.getUTCDay() + 6) % 7) * DAY);
    return { start: new Date(monday.getTime() - 7 * DAY), end: monday };
  }
  const first = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));
  return {
    start: new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() - 1, 1)),
    end: first,
  };
}

/** The value of a computed indicator for the period [start, end), in whole units. */
export async function computedValue(
  db: Kysely<Schema>,
  origin: string,
  c: { from: ComputedSource; ref: string | null },
  period: { start: Date; end: Date },
): Promise<number | null> {
  const coop = coopUri(origin);
  if (c.from === "stock") {
    const row = await db
      .selectFrom("econ_resources")
      .select((eb) => eb.fn.sum<number>("on_hand").as("n"))
      .where("owner_uri", "=", coop)
      .where("spec_uri", "=", c.ref ?? "")
      .executeTakeFirst();
    return Number(row?.n ?? 0) / 1000;
  }
  if (c.from === "deliveries") {
    const row = await db
      .selectFrom("econ_events")
      .select((eb) => eb.fn.sum<number>("quantity").as("n"))
      .where("provider_uri", "=", coop)
      .where("action", "in", ["transfer", "deliverService"])
      .where("occurred_at", ">=", period.start.toISOString())
      .where("occurred_at", "<", period.end.toISOString())
      .$if(c.ref !== null, (q) => q.where("spec_uri", "=", c.ref ?? ""))
      .executeTakeFirst();
    return Number(row?.n ?? 0) / 1000;
  }
  const account = await db
    .selectFrom("credit_accounts as a")
    .innerJoin("credit_ledgers as l", "l.id", "a.ledger_id")
    .select("a.balance")
    .where("l.uri", "=", c.ref ?? "")
    .where("a.coop_uri", "=", coop)
    .executeTakeFirst();
  return account ? account.balance / 100 : null;
}

/**
 * Reports every computed indicator's value for its last ended period, if not
 * reported yet. Returns the outcome of the one report it makes (or null).
 */
export async function computeDue(ctx: OpsroomContext): Promise<ReportResult | null> {
  const now = ctx.clock.now();
  const rows: Indicator[] = await ctx.db
    .selectFrom("indicators")
    .selectAll()
    .where("computed_from", "is not", null)
    .orderBy("id")
    .limit(20_000)
    .execute();
  const reports: ValueReport[] = [];
  for (const indicator of rows) {
    if (reports.length >= BATCH) break;
    const period = lastEndedPeriod(indicator.frequency, now);
    const label = day(period.start);
    if (indicator.last_period !== null && indicator.last_period >= label) continue;
    // Nothing to say of a period that ended before the indicator existed.
    if (period.end.toISOString() <= indicator.created_at) continue;
    const value = await computedValue(
      ctx.db,
      ctx.origin,
      { from: indicator.computed_from as ComputedSource, ref: indicator.computed_ref },
      period,
    );
    if (value !== null) reports.push({ indicatorId: indicator.id, period: label, value });
  }
  if (reports.length === 0) return null;
  return reportValues(ctx, null, reports, "computed");
}
